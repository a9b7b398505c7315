from typing import Any

import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.types.common import UserError
from api.types.methodology import Methodology
from api.types.proposal import Proposal
from resolvers import methodologies
from resolvers.methodologies import MethodologyProposed


@strawberry.input(description="A proposed methodology.")
class ProposeMethodologyInput:
    committee_code: str = strawberry.field(description="The partner's ISO code: VN.")
    title: str = strawberry.field(description="At most 300 characters.")
    summary: str | None = strawberry.field(
        default=None, description="Reduction measures, reference and project emissions, monitoring."
    )
    sectoral_scopes: list[int] = strawberry.field(description="At least one, each 1 to 15.")
    proponent: str = strawberry.field(description="Who proposes it: a developer, the committee, a government body.")


@strawberry.input(description="A revision of an approved methodology.")
class ProposeMethodologyRevisionInput:
    reference: str = strawberry.field(description="The AM reference of a VALID methodology: VN_AM003.")
    summary: str = strawberry.field(description="What the revision changes.")


@strawberry.type(
    description="What proposing a methodology or a revision returns: the methodology, its proposal, or why nothing changed."
)
class MethodologyPayload:
    methodology: Methodology | None = strawberry.field(description="The proposed methodology (version); null on error.")
    proposal: Proposal | None = strawberry.field(description="Its DRAFT proposal.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


def _render(result: MethodologyProposed) -> dict[str, Any]:
    return {"methodology": Methodology.from_row(result.methodology), "proposal": Proposal.from_row(result.proposal)}


@strawberry.mutation(
    description="Propose a methodology: it gets its PM reference at once and a DRAFT METHODOLOGY_APPROVAL proposal. "
    "The secretariat, Japan, or that committee's partner."
)
async def propose_methodology(info: Info, input: ProposeMethodologyInput) -> MethodologyPayload:
    return await mutate(
        info,
        lambda session, principal: methodologies.propose_methodology(
            session,
            principal,
            committee_code=input.committee_code,
            title=input.title,
            summary=input.summary,
            sectoral_scopes=input.sectoral_scopes,
            proponent=input.proponent,
        ),
        MethodologyPayload,
        _render,
    )


@strawberry.mutation(
    description="Propose a revision of a VALID methodology as a METHODOLOGY_REVISION proposal; one open revision at a time. "
    "The secretariat or a side."
)
async def propose_methodology_revision(info: Info, input: ProposeMethodologyRevisionInput) -> MethodologyPayload:
    return await mutate(
        info,
        lambda session, principal: methodologies.propose_revision(
            session, principal, reference=input.reference, summary=input.summary
        ),
        MethodologyPayload,
        _render,
    )
