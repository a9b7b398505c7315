"""Taking decisions under gapless references, and reading the public register."""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.committee import JointCommittee
from models.db import dialect_name
from models.decision import Decision
from models.enums import DecisionOutcome, ProposalKind
from models.principal import Principal
from models.types import saved_id
from models.workflow import Step, decided_status, decision_reference
from resolvers import audit, effects
from resolvers.events import DecisionTaken, announce
from resolvers.pagination import Page, paginate
from resolvers.reads import built_once, one_record, select_records
from resolvers.search import matches
from resolvers.sequences import next_number
from resolvers.workflow import Loaded, move


async def take_decision(
    session: AsyncSession, principal: Principal, loaded: Loaded, outcome: DecisionOutcome, note: str | None
) -> Decision:
    """Record the committee's decision and move the proposal to its outcome, in the caller's transaction."""
    proposal, committee = loaded.proposal, loaded.committee
    decided_on = clock.today()
    assert proposal.mode is not None  # only a circulated proposal, which has its mode, is decided
    serial = await next_number(session, saved_id(committee), f"decision-{decided_on.year}")
    decision = Decision(
        reference=decision_reference(committee.code, decided_on.year, serial),
        committee_id=saved_id(committee),
        year=decided_on.year,
        serial=serial,
        proposal_id=saved_id(proposal),
        round=proposal.round,
        kind=proposal.kind,
        outcome=outcome,
        title=proposal.title,
        summary=proposal.summary,
        decided_on=decided_on,
        mode=proposal.mode,
        meeting_id=proposal.meeting_id,
        created_at=clock.now(),
    )
    session.add(decision)
    await session.flush()
    step = Step.APPROVE if outcome is DecisionOutcome.APPROVED else Step.NOT_APPROVE
    await move(
        session, principal, loaded, step, decided_status(outcome), note=f"{decision.reference}. {note or ''}".strip()
    )
    await audit.record(session, principal, "decisionTaken", decision, committee_id=committee.id)
    await effects.after_decision(session, principal, proposal, decision)
    await announce(session, DecisionTaken(saved_id(decision), committee.code))
    return decision


async def find_by_reference(session: AsyncSession, reference: str) -> Decision | None:
    """The decision as a record (a read), None if no decision has that reference."""
    statement = built_once(
        "decision_by_reference",
        lambda: select_records(Decision).where(col(Decision.reference) == sa.bindparam("reference", type_=sa.String)),
    )
    return await one_record(session, Decision, statement, {"reference": reference.strip().upper()})


async def list_decisions(
    session: AsyncSession,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    committee_code: str | None = None,
    kinds: list[ProposalKind] | None = None,
    outcome: DecisionOutcome | None = None,
    decided_from: date | None = None,
    decided_to: date | None = None,
    search: str | None = None,
    meeting_id: int | None = None,
) -> Page[Decision]:
    """The public register across committees, newest first, as records.

    Filter values go in as bound parameters, so that the page's statements are built once per
    set of filters given (a search's words are part of its SQL: a search builds its own)."""
    filters: dict[str, Any] = {
        "committee_code": None if committee_code is None else committee_code.strip().upper(),
        "kinds": kinds or None,
        "outcome": outcome,
        "decided_from": decided_from,
        "decided_to": decided_to,
        "meeting_id": meeting_id,
    }
    given = {name: value for name, value in filters.items() if value is not None}
    found = matches(dialect_name(session), Decision, search)

    def build() -> sa.Select:
        statement = select(Decision)
        if "committee_code" in given:
            statement = statement.join(JointCommittee, col(JointCommittee.id) == col(Decision.committee_id)).where(
                col(JointCommittee.code) == sa.bindparam("committee_code", type_=sa.String)
            )
        if "kinds" in given:
            statement = statement.where(col(Decision.kind).in_(sa.bindparam("kinds", expanding=True)))
        if "outcome" in given:
            statement = statement.where(col(Decision.outcome) == sa.bindparam("outcome"))
        if "decided_from" in given:
            statement = statement.where(col(Decision.decided_on) >= sa.bindparam("decided_from"))
        if "decided_to" in given:
            statement = statement.where(col(Decision.decided_on) <= sa.bindparam("decided_to"))
        if "meeting_id" in given:
            statement = statement.where(col(Decision.meeting_id) == sa.bindparam("meeting_id"))
        return statement if found is None else statement.where(found)

    return await paginate(
        session,
        build,
        model=Decision,
        sort=[col(Decision.decided_on), col(Decision.id)],
        key=lambda d: [d.decided_on.isoformat(), d.id],
        parse=lambda values: [date.fromisoformat(values[0]), int(values[1])],
        first=first,
        after=after,
        max_page_size=max_page_size,
        last=last,
        before=before,
        shape=None if found is not None else ("register", *sorted(given)),
        params=given,
    )
