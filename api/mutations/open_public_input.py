import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.types.payloads import ProposalPayload, render_proposal
from resolvers import proposals


@strawberry.input(description="Open public input on a SUBMITTED proposal, from today.")
class OpenPublicInputInput:
    id: strawberry.ID = strawberry.field(description="The proposal's id.")
    expected_version: int | None = strawberry.field(default=None, description="See ProposalRef.expectedVersion.")
    days: int | None = strawberry.field(
        default=None, description="Length of the window in days, 1 to 90, both end days included; default by kind: 15."
    )


@strawberry.mutation(description="Publish a SUBMITTED proposal for public comments: the secretariat.")
async def open_public_input(info: Info, input: OpenPublicInputInput) -> ProposalPayload:
    return await mutate(
        info,
        lambda session, principal: proposals.open_public_input(
            session,
            principal,
            proposal_id=decode_id(input.id, "Proposal", "id"),
            days=input.days,
            expected_version=input.expected_version,
        ),
        ProposalPayload,
        render_proposal,
    )
