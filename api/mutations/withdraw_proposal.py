import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.mutations.inputs import ReasonInput
from api.types.payloads import ProposalPayload, render_proposal
from resolvers import proposals


@strawberry.mutation(
    description="Withdraw a proposal before it is decided, with a reason: the proposer's side or the secretariat."
)
async def withdraw_proposal(info: Info, input: ReasonInput) -> ProposalPayload:
    return await mutate(
        info,
        lambda session, principal: proposals.withdraw_proposal(
            session,
            principal,
            proposal_id=decode_id(input.id, "Proposal", "id"),
            reason=input.reason,
            expected_version=input.expected_version,
        ),
        ProposalPayload,
        render_proposal,
    )
