"""What a proposal is about: a union that grows as subject kinds arrive, one member per
`models.subjects.SubjectType`. How each kind is loaded is registered by its own type module
(`@renders(..., subject=...)`), and `api.types.rows.load_subject` finds it."""

from typing import Annotated

import strawberry

from api.types.methodology import Methodology
from api.types.rules import RuleVersion
from api.types.tpe import TpeDesignation

ProposalSubject = Annotated[
    RuleVersion | Methodology | TpeDesignation,
    strawberry.union("ProposalSubject", description="The object a proposal is about, and a decision changed."),
]
