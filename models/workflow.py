"""The proposal workflow as data: which step is allowed from which status, by whom, and what each
kind of proposal needs. Resolvers look steps up here; no status rule lives anywhere else.

DRAFT → SUBMITTED → (RETURNED → SUBMITTED …) → [PUBLIC_INPUT] → UNDER_CONSIDERATION →
APPROVED | NOT_APPROVED, with WITHDRAWN before a decision and LAPSED when an electronic deadline
passes without one. A lapsed item may be circulated again (a new round of positions); an item
under consideration may be circulated again too, to extend its deadline or move it to another
meeting (its positions stand).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.sql.elements import SQLCoreOperations

from models.enums import DecisionMode, DecisionOutcome, Position, ProposalKind, ProposalStatus, Side
from models.errors import DomainError, ErrorCode
from models.permissions import Reach

S = ProposalStatus


class Step(StrEnum):
    """Workflow steps; the value is the action name shown in a proposal's history."""

    CREATE = "created"
    SUBMIT = "submitted"
    RETURN = "returned"
    OPEN_PUBLIC_INPUT = "publicInputOpened"
    CIRCULATE = "circulated"
    CONSENT = "consented"
    OBJECT = "objected"
    WITHDRAW = "withdrawn"
    LAPSE = "lapsed"
    APPROVE = "approved"
    NOT_APPROVE = "notApproved"


@dataclass(frozen=True)
class Transition:
    step: Step
    sources: frozenset[ProposalStatus]
    target: ProposalStatus | None  # None: the status stays (a position that does not yet decide)
    reach: Reach
    verb: str  # for messages: "submit", "return" ...


def _t(step: Step, sources: set[ProposalStatus], target: ProposalStatus | None, reach: Reach, verb: str) -> Transition:
    return Transition(step, frozenset(sources), target, reach, verb)


BEFORE_DECISION = {S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLIC_INPUT, S.UNDER_CONSIDERATION, S.LAPSED}

TRANSITIONS: dict[Step, Transition] = {
    t.step: t
    for t in [
        _t(Step.SUBMIT, {S.DRAFT, S.RETURNED}, S.SUBMITTED, Reach.PROPOSER, "submit"),
        _t(Step.RETURN, {S.SUBMITTED}, S.RETURNED, Reach.SECRETARIAT, "return"),
        _t(Step.OPEN_PUBLIC_INPUT, {S.SUBMITTED}, S.PUBLIC_INPUT, Reach.SECRETARIAT, "open public input on"),
        # From UNDER_CONSIDERATION: a new deadline or meeting for the same consideration (an
        # extension, a postponed meeting); the sides' positions so far stand.
        _t(
            Step.CIRCULATE,
            {S.SUBMITTED, S.PUBLIC_INPUT, S.LAPSED, S.UNDER_CONSIDERATION},
            S.UNDER_CONSIDERATION,
            Reach.SECRETARIAT,
            "circulate",
        ),
        _t(Step.CONSENT, {S.UNDER_CONSIDERATION}, None, Reach.GOVERNMENTS, "consent to"),
        _t(Step.OBJECT, {S.UNDER_CONSIDERATION}, None, Reach.GOVERNMENTS, "object to"),
        _t(Step.WITHDRAW, BEFORE_DECISION, S.WITHDRAWN, Reach.PROPOSER, "withdraw"),
    ]
}

DECIDED = {S.APPROVED, S.NOT_APPROVED}


def transition(step: Step, status: ProposalStatus) -> Transition:
    """The transition for `step`, or INVALID_TRANSITION when `status` does not allow it."""
    t = TRANSITIONS[step]
    if status not in t.sources:
        allowed = ", ".join(sorted(s.value for s in t.sources))
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"Cannot {t.verb} a proposal that is {status.value}; only from {allowed}.",
        )
    return t


@dataclass(frozen=True)
class KindRule:
    """What a kind of proposal needs on its way to a decision."""

    public_input_days: int = 15
    # Must have had a public-input window, closed, before it is circulated (methodologies).
    needs_closed_public_input: bool = False
    # Days after public input closed by which the committee decides: the first circulation's,
    # and the one extension's (a second circulation). None: no such limit.
    consideration_days: tuple[int, int] | None = None


KIND_RULES: dict[ProposalKind, KindRule] = {
    ProposalKind.METHODOLOGY_APPROVAL: KindRule(
        public_input_days=15, needs_closed_public_input=True, consideration_days=(60, 90)
    ),
    ProposalKind.METHODOLOGY_REVISION: KindRule(public_input_days=15),
    **{kind: KindRule() for kind in ProposalKind if not kind.startswith("METHODOLOGY_")},
}

PUBLIC_INPUT_DAYS = range(1, 91)
COMPLETENESS_CHECK_DAYS = 7


def public_input_window(today: date, days: int) -> tuple[date, date]:
    """Opens today and runs `days` calendar days, both ends included (29 Jan – 12 Feb is 15 days)."""
    return today, today + timedelta(days=days - 1)


def outcome_of(positions: dict[Side, Position]) -> DecisionOutcome | None:
    """Both sides consenting approve; one objection is enough not to approve."""
    if Position.OBJECTION in positions.values():
        return DecisionOutcome.NOT_APPROVED
    if all(positions.get(side) is Position.CONSENT for side in Side):
        return DecisionOutcome.APPROVED
    return None


def decided_status(outcome: DecisionOutcome) -> ProposalStatus:
    return S.APPROVED if outcome is DecisionOutcome.APPROVED else S.NOT_APPROVED


def decision_reference(committee_code: str, year: int, serial: int) -> str:
    return f"JC-{committee_code}-{year}-{serial:03d}"


def is_lapsed(status: ProposalStatus, mode: DecisionMode | None, deadline: date | None, today: date) -> bool:
    """An electronic decision whose deadline has passed without both positions has lapsed."""
    return (
        status is S.UNDER_CONSIDERATION
        and mode is DecisionMode.ELECTRONIC
        and deadline is not None
        and deadline < today
    )


def window_open_sql(
    opens_on: SQLCoreOperations[date | None], closes_on: SQLCoreOperations[date | None], today: date
) -> sa.ColumnElement[bool]:
    """A public-input window that includes `today`, both end days included, as SQL: the rule
    submitPublicComment applies (resolvers/comments.py), for listing what takes comments now."""
    return sa.and_(opens_on <= today, closes_on >= today)


def effective_status_sql(
    status: SQLCoreOperations[ProposalStatus],
    mode: SQLCoreOperations[DecisionMode | None],
    deadline: SQLCoreOperations[date | None],
    today: date,
) -> sa.ColumnElement[str]:
    """`is_lapsed` in SQL, so that lists filter on the status a reader would see."""
    return sa.case(
        (
            sa.and_(status == S.UNDER_CONSIDERATION.value, mode == DecisionMode.ELECTRONIC.value, deadline < today),
            sa.literal(S.LAPSED.value),
        ),
        else_=status,
    )


@dataclass(frozen=True)
class Due:
    on: date | None
    overdue: bool = field(default=False)


def due(
    status: ProposalStatus,
    *,
    submitted_on: date | None,
    public_input_closes_on: date | None,
    deadline: date | None,
    meeting_on: date | None,
    today: date,
) -> Due:
    """When the current stage is due: the completeness check 7 days after submission, public input
    at its close, consideration at the deadline or meeting; overdue once that day has passed."""
    on: date | None = None
    if status is S.SUBMITTED and submitted_on is not None:
        on = submitted_on + timedelta(days=COMPLETENESS_CHECK_DAYS)
    elif status is S.PUBLIC_INPUT:
        on = public_input_closes_on
    elif status is S.UNDER_CONSIDERATION:
        on = deadline if deadline is not None else meeting_on
    return Due(on, on is not None and on < today)


def check_consideration_date(
    rule: KindRule, public_input_closed_on: date | None, circulations: int, considered_on: date, field: str
) -> None:
    """Consideration ends at most 60 days after public input closed, extendable once to 90."""
    if rule.consideration_days is None or public_input_closed_on is None:
        return
    first, extended = rule.consideration_days
    if circulations >= 2:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"Consideration was already extended once, to {extended} days after public input closed; "
            "it cannot be extended again.",
            [field],
        )
    days = first if circulations == 0 else extended
    last = public_input_closed_on + timedelta(days=days)
    if considered_on > last:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"Consideration ends at most {days} days after public input closed on {public_input_closed_on}: "
            f"by {last}"
            + (" (the first circulation; one extension to 90 days follows)." if circulations == 0 else "."),
            [field],
        )


def check_public_input_closed(rule: KindRule, kind: ProposalKind, closes_on: date | None, today: date) -> None:
    """Kinds that need public input (methodologies) are circulated only after their window closed."""
    if not rule.needs_closed_public_input:
        return
    if closes_on is None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"A {kind.value} proposal is circulated only after public input; open it first.",
        )
    if closes_on >= today:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"Public input is open until {closes_on}; circulate it after the window has closed.",
        )


def check_statement(position: Position, statement: str | None) -> None:
    if position is Position.OBJECTION and statement is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "An objection needs a statement of its reasons.", ["statement"])
