import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.mutations.inputs import ProposalRef
from api.types.payloads import ProposalPayload, render_proposal
from resolvers import proposals


@strawberry.mutation(
    description="Submit a DRAFT or RETURNED proposal for the completeness check: the proposer's side or the secretariat."
)
async def submit_proposal(info: Info, input: ProposalRef) -> ProposalPayload:
    return await mutate(
        info,
        lambda session, principal: proposals.submit_proposal(
            session,
            principal,
            proposal_id=decode_id(input.id, "Proposal", "id"),
            expected_version=input.expected_version,
        ),
        ProposalPayload,
        render_proposal,
    )
