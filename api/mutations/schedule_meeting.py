from datetime import date

import strawberry

from api.context import Info
from api.mutations.base import mutate
from api.types.common import UserError
from api.types.meeting import Meeting
from resolvers import meetings


@strawberry.input(description="The committee's next meeting.")
class ScheduleMeetingInput:
    committee_code: str = strawberry.field(description="The partner's ISO code: VN.")
    held_on: date = strawberry.field(description="Not before the committee's latest meeting.")
    venue: str | None = strawberry.field(default=None, description='"Jakarta", "Online" ...; at most 200 characters.')


@strawberry.type(description="What scheduleMeeting returns: the meeting as scheduled, or why nothing changed.")
class MeetingPayload:
    meeting: Meeting | None = strawberry.field(description="The meeting with its number; null on error.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")


@strawberry.mutation(description="Schedule a committee's next numbered meeting: the secretariat.")
async def schedule_meeting(info: Info, input: ScheduleMeetingInput) -> MeetingPayload:
    return await mutate(
        info,
        lambda session, principal: meetings.schedule_meeting(
            session, principal, committee_code=input.committee_code, held_on=input.held_on, venue=input.venue
        ),
        MeetingPayload,
        lambda meeting: {"meeting": Meeting.from_row(meeting)},
    )
