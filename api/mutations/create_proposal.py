import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.types.enums import ProposalKind
from api.types.payloads import ProposalPayload, render_proposal
from resolvers import proposals


@strawberry.input(description="A new agenda item, created as a DRAFT.")
class CreateProposalInput:
    committee_code: str = strawberry.field(description="The partner's ISO code: VN.")
    kind: ProposalKind = strawberry.field(
        description="What is to be decided; OTHER for an item with no subject of its own (interim special measures ...)."
    )
    title: str = strawberry.field(description="At most 300 characters.")
    summary: str | None = strawberry.field(default=None, description="At most 20,000 characters.")


@strawberry.mutation(
    description="Create a DRAFT proposal: the secretariat, the Japanese government, or that committee's partner."
)
async def create_proposal(info: Info, input: CreateProposalInput) -> ProposalPayload:
    return await mutate(
        info,
        lambda session, principal: proposals.create_proposal(
            session,
            principal,
            committee_code=input.committee_code,
            kind=input.kind,
            title=input.title,
            summary=input.summary,
        ),
        ProposalPayload,
        render_proposal,
    )
