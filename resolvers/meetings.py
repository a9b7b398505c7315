"""Scheduling numbered committee meetings."""

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Meeting, clock
from models.db import write_transaction
from models.errors import invalid
from models.permissions import Action, ensure_allowed, ensure_authenticated
from models.principal import Principal
from models.types import saved_id
from models.validation import clean_text
from resolvers import audit
from resolvers.committees import committee_for_update


async def schedule_meeting(
    session: AsyncSession, principal: Principal, *, committee_code: str, held_on: date, venue: str | None = None
) -> Meeting:
    """Schedule the committee's next meeting: numbered 1, 2, ... in date order."""
    ensure_authenticated(principal)
    async with write_transaction(session):
        # The committee row lock makes concurrent scheduling take numbers one after the other.
        committee = await committee_for_update(session, committee_code)
        ensure_allowed(principal, Action.SCHEDULE_MEETING, committee.code)
        venue = clean_text("venue", venue, max_length=200, required=False)
        last = (
            await session.exec(
                select(Meeting)
                .where(col(Meeting.committee_id) == committee.id)
                .order_by(col(Meeting.number).desc())
                .limit(1)
            )
        ).one_or_none()
        if last is not None and held_on < last.held_on:
            raise invalid(
                "heldOn",
                f"The {ordinal(last.number)} meeting is on {last.held_on}; the next one cannot be earlier.",
            )
        meeting = Meeting(
            committee_id=saved_id(committee),
            number=(last.number + 1) if last else 1,
            held_on=held_on,
            venue=venue,
            created_at=clock.now(),
        )
        session.add(meeting)
        await session.flush()
        await audit.record(session, principal, "meetingScheduled", meeting, committee_id=committee.id)
    return meeting


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
