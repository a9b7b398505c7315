from datetime import date

import strawberry

from api.context import Info
from api.mutations.base import decode_id, mutate
from api.types.enums import DecisionMode
from api.types.payloads import ProposalPayload, render_proposal
from resolvers import proposals


@strawberry.input(description="Put a proposal before both sides.")
class CirculateInput:
    id: strawberry.ID = strawberry.field(description="The proposal's id.")
    expected_version: int | None = strawberry.field(default=None, description="See ProposalRef.expectedVersion.")
    mode: DecisionMode = strawberry.field(
        description="MEETING (decided at meetingId) or ELECTRONIC (positions by deadline)."
    )
    meeting_id: strawberry.ID | None = strawberry.field(
        default=None, description="MEETING: a scheduled meeting of the same committee, not in the past."
    )
    deadline: date | None = strawberry.field(
        default=None, description="ELECTRONIC: the last day for positions, after today."
    )


@strawberry.mutation(
    description="Circulate a SUBMITTED, PUBLIC_INPUT or LAPSED proposal for a decision at a meeting or electronically: the secretariat."
)
async def circulate_proposal(info: Info, input: CirculateInput) -> ProposalPayload:
    return await mutate(
        info,
        lambda session, principal: proposals.circulate_proposal(
            session,
            principal,
            proposal_id=decode_id(input.id, "Proposal", "id"),
            mode=input.mode,
            meeting_id=decode_id(input.meeting_id, "Meeting", "meetingId") if input.meeting_id is not None else None,
            deadline=input.deadline,
            expected_version=input.expected_version,
        ),
        ProposalPayload,
        render_proposal,
    )
