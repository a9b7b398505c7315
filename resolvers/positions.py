"""A government's consent or objection, and the decision it may complete."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.db import write_transaction
from models.decision import Decision
from models.enums import Position
from models.principal import Principal
from models.proposal import Proposal, SidePosition
from models.types import saved_id
from models.validation import clean_text
from models.workflow import Step, check_statement, outcome_of
from resolvers.decisions import take_decision
from resolvers.workflow import begin_step, move

STATEMENT_MAX = 5_000


@dataclass(frozen=True)
class PositionTaken:
    """The proposal after the position, and the decision the position completed, if it did."""

    proposal: Proposal
    decision: Decision | None


async def give_position(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int,
    position: Position,
    statement: str | None = None,
    expected_version: int | None = None,
) -> PositionTaken:
    """Record the caller's side's position; when both sides consented, or one objected, decide.

    The proposal row is locked before positions are read, so two sides answering at the same
    instant are serialised and exactly one of them takes the decision.
    """
    step = Step.CONSENT if position is Position.CONSENT else Step.OBJECT
    async with write_transaction(session):
        loaded = (await begin_step(session, principal, step, proposal_id, expected_version)).loaded
        proposal = loaded.proposal
        statement = clean_text("statement", statement, max_length=STATEMENT_MAX, required=False)
        check_statement(position, statement)
        side = principal.side
        assert side is not None  # the GOVERNMENTS reach admits only the two governments
        rows = (
            await session.exec(
                select(SidePosition).where(
                    col(SidePosition.proposal_id) == proposal.id, col(SidePosition.round) == proposal.round
                )
            )
        ).all()
        current = {row.side: row for row in rows}
        recorded_at = clock.now()
        row = current.get(side) or SidePosition(
            proposal_id=saved_id(proposal),
            round=proposal.round,
            side=side,
            position=position,
            recorded_by=principal.label,
            recorded_at=recorded_at,
        )
        row.position, row.statement = position, statement
        row.recorded_by, row.recorded_at = principal.label, recorded_at
        session.add(row)
        current[side] = row
        await move(session, principal, loaded, step, note=statement)
        outcome = outcome_of({s: r.position for s, r in current.items()})
        decision = None
        if outcome is not None:
            decision = await take_decision(
                session, principal, loaded, outcome, statement if position is Position.OBJECTION else None
            )
    return PositionTaken(proposal, decision)
