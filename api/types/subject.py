"""What a proposal is about: a union that grows as subject types arrive."""

from typing import Annotated, Any

import strawberry

from api.context import Info
from api.types.methodology import Methodology
from api.types.rules import RuleVersion
from api.types.tpe import TpeDesignation

ProposalSubject = Annotated[
    RuleVersion | Methodology | TpeDesignation,
    strawberry.union("ProposalSubject", description="The object a proposal is about, and a decision changed."),
]

# Subject type stored on the proposal -> (loader on the context, how to render the row).
SUBJECTS: dict[str, tuple[str, Any]] = {
    "RuleVersion": ("rule_version", RuleVersion.from_row),
    "Methodology": ("methodology", Methodology.from_row),
    "TpeDesignation": ("designation", TpeDesignation.from_row),
}


async def load_subject(info: Info, subject_type: str | None, subject_id: int | None) -> Any:
    if subject_type is None or subject_id is None:
        return None
    loader_name, render = SUBJECTS[subject_type]
    row = await getattr(info.context.loaders, loader_name).load(subject_id)
    return render(row) if row else None
