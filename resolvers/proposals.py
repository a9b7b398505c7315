"""The secretariat's and proposers' steps of the workflow: create, submit, return, open public
input, circulate, withdraw. Positions and decisions are in resolvers.positions."""

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Meeting, clock
from models.db import write_transaction
from models.enums import DecisionMode, ProposalKind, ProposalStatus
from models.errors import invalid, not_found
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.proposal import Proposal
from models.validation import clean_required, clean_text
from models.workflow import (
    KIND_RULES,
    PUBLIC_INPUT_DAYS,
    Step,
    check_consideration_date,
    check_public_input_closed,
    public_input_window,
)
from resolvers import effects
from resolvers.committees import committee_for_update
from resolvers.meetings import ordinal
from resolvers.workflow import Loaded, begin_step, move, new_proposal

TITLE_MAX, SUMMARY_MAX, REASON_MAX = 300, 20_000, 5_000


async def create_proposal(
    session: AsyncSession,
    principal: Principal,
    *,
    committee_code: str,
    kind: ProposalKind,
    title: str,
    summary: str | None = None,
) -> Proposal:
    """A DRAFT in one committee: by the secretariat, Japan, or that committee's partner."""
    async with write_transaction(session):
        committee = await committee_for_update(session, committee_code)
        ensure_allowed(principal, Action.CREATE_PROPOSAL, committee.code)
        return await new_proposal(
            session,
            principal,
            committee,
            kind=kind,
            title=clean_required("title", title, max_length=TITLE_MAX),
            summary=clean_text("summary", summary, max_length=SUMMARY_MAX, required=False),
        )


async def submit_proposal(
    session: AsyncSession, principal: Principal, *, proposal_id: int, expected_version: int | None = None
) -> Proposal:
    async with write_transaction(session):
        begun = await begin_step(session, principal, Step.SUBMIT, proposal_id, expected_version)
        loaded = begun.loaded
        loaded.proposal.submitted_at = clock.now()
        await move(session, principal, loaded, Step.SUBMIT, begun.rule.target)
    return loaded.proposal


async def return_proposal(
    session: AsyncSession, principal: Principal, *, proposal_id: int, reason: str, expected_version: int | None = None
) -> Proposal:
    """The completeness check failed: back to the proposer with a reason."""
    async with write_transaction(session):
        begun = await begin_step(session, principal, Step.RETURN, proposal_id, expected_version)
        loaded = begun.loaded
        reason = clean_required("reason", reason, max_length=REASON_MAX)
        await move(session, principal, loaded, Step.RETURN, begun.rule.target, note=reason)
    return loaded.proposal


async def withdraw_proposal(
    session: AsyncSession, principal: Principal, *, proposal_id: int, reason: str, expected_version: int | None = None
) -> Proposal:
    async with write_transaction(session):
        begun = await begin_step(session, principal, Step.WITHDRAW, proposal_id, expected_version)
        loaded = begun.loaded
        reason = clean_required("reason", reason, max_length=REASON_MAX)
        await move(session, principal, loaded, Step.WITHDRAW, begun.rule.target, note=reason)
        await effects.after_withdrawal(session, principal, loaded.proposal)
    return loaded.proposal


async def open_public_input(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int,
    days: int | None = None,
    expected_version: int | None = None,
) -> Proposal:
    """Publish the item for public comments from today for `days` days (default by kind)."""
    async with write_transaction(session):
        begun = await begin_step(session, principal, Step.OPEN_PUBLIC_INPUT, proposal_id, expected_version)
        loaded = begun.loaded
        proposal = loaded.proposal
        days = KIND_RULES[proposal.kind].public_input_days if days is None else days
        if days not in PUBLIC_INPUT_DAYS:
            raise invalid("days", f"days must be between {PUBLIC_INPUT_DAYS.start} and {PUBLIC_INPUT_DAYS.stop - 1}.")
        proposal.public_input_opens_on, proposal.public_input_closes_on = public_input_window(clock.today(), days)
        proposal.published_at = proposal.published_at or clock.now()
        await move(
            session,
            principal,
            loaded,
            Step.OPEN_PUBLIC_INPUT,
            begun.rule.target,
            note=f"Public input from {proposal.public_input_opens_on} to {proposal.public_input_closes_on}.",
        )
    return proposal


async def circulate_proposal(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int,
    mode: DecisionMode,
    meeting_id: int | None = None,
    deadline: date | None = None,
    expected_version: int | None = None,
) -> Proposal:
    """Put the item before both sides: at a scheduled meeting, or electronically until a deadline."""
    async with write_transaction(session):
        begun = await begin_step(session, principal, Step.CIRCULATE, proposal_id, expected_version)
        loaded = begun.loaded
        proposal, today = loaded.proposal, clock.today()
        kind_rule = KIND_RULES[proposal.kind]
        check_public_input_closed(kind_rule, proposal.kind, proposal.public_input_closes_on, today)
        if mode is DecisionMode.MEETING:
            if deadline is not None:
                raise invalid("deadline", "A deadline is for electronic decisions; a meeting decides on its day.")
            meeting = await _meeting_for(session, loaded, meeting_id, today)
            check_consideration_date(
                kind_rule, proposal.public_input_closes_on, proposal.circulations, meeting.held_on, "meetingId"
            )
            proposal.meeting_id, proposal.deadline = meeting.id, None
            where = f"the {ordinal(meeting.number)} meeting on {meeting.held_on}"
        else:
            if meeting_id is not None:
                raise invalid("meetingId", "An electronic decision is taken without a meeting; omit meetingId.")
            if deadline is None:
                raise invalid("deadline", "An electronic decision needs a deadline.")
            if deadline <= today:
                raise invalid("deadline", f"The deadline must be after today ({today}).")
            check_consideration_date(
                kind_rule, proposal.public_input_closes_on, proposal.circulations, deadline, "deadline"
            )
            proposal.meeting_id, proposal.deadline = None, deadline
            where = f"electronic decision until {deadline}"
        closes = proposal.public_input_closes_on
        if proposal.status is ProposalStatus.PUBLIC_INPUT and closes is not None and closes >= today:
            # Circulating ends public input early for kinds that allow it.
            proposal.public_input_closes_on = today
        extending = proposal.status is ProposalStatus.UNDER_CONSIDERATION
        proposal.mode = mode
        if not extending:  # a fresh circulation opens a new round of positions
            proposal.round += 1
        proposal.circulations += 1
        proposal.published_at = proposal.published_at or clock.now()
        note = f"Circulated again, positions standing, for {where}." if extending else f"Circulated for {where}."
        await move(session, principal, loaded, Step.CIRCULATE, begun.rule.target, note=note)
    return proposal


async def _meeting_for(session: AsyncSession, loaded: Loaded, meeting_id: int | None, today: date) -> Meeting:
    if meeting_id is None:
        raise invalid("meetingId", "A decision at a meeting needs meetingId: schedule the meeting first.")
    meeting = (await session.exec(select(Meeting).where(col(Meeting.id) == meeting_id))).one_or_none()
    if meeting is None or meeting.committee_id != loaded.committee.id:
        raise not_found("meetingId", f"No meeting of the {loaded.committee.code} committee has this id.")
    if meeting.held_on < today:
        raise invalid(
            "meetingId",
            f"The {ordinal(meeting.number)} meeting was held on {meeting.held_on}; choose one not in the past.",
        )
    return meeting
