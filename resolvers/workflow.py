"""Shared steps of every proposal operation: load what the caller may see, lock it, lapse it if
its deadline passed (`lock_and_lapse`), check reach, version and transition, then record the move."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.committee import JointCommittee
from models.enums import ProposalKind, ProposalStatus, Role
from models.errors import DomainError, ErrorCode, not_found
from models.permissions import ensure_may
from models.principal import Principal
from models.proposal import Proposal, WorkflowEvent
from models.types import saved_id
from models.visibility import visible_proposals
from models.workflow import TRANSITIONS, Step, Transition, is_lapsed, transition
from resolvers import audit

# Lapsing is nobody's act: the clock passed a deadline.
SYSTEM = Principal(Role.SECRETARIAT, name="JCM system", system=True)


TITLE_MAX = 300


def fit(text: str, limit: int) -> str:
    """Titles composed from others' text ("Revision of VN_AM001: …") are cut to fit, visibly."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Loaded:
    proposal: Proposal
    committee: JointCommittee
    # Versions a client may rightly hold: a lapse recorded by this very write is no change the
    # reader missed, since every read already showed the proposal as LAPSED.
    current_versions: frozenset[int] = frozenset()


async def new_proposal(
    session: AsyncSession,
    principal: Principal,
    committee: JointCommittee,
    *,
    kind: ProposalKind,
    title: str,
    summary: str | None,
) -> Proposal:
    """A DRAFT of `principal` in `committee`, with its first history line and audit event.

    Callers check the permission and clean the text; subject modules then link their subject.
    """
    proposal = Proposal(
        committee_id=saved_id(committee),
        kind=kind,
        title=fit(title, TITLE_MAX),
        summary=summary,
        status=ProposalStatus.DRAFT,
        version=1,
        proposer_role=principal.role,
        proposer_side=principal.side,
        created_by=principal.label,
        created_at=clock.now(),
    )
    session.add(proposal)
    await session.flush()
    await record(session, principal, Loaded(proposal, committee), Step.CREATE, from_status=None)
    return proposal


async def lock_and_lapse(session: AsyncSession, principal: Principal, proposal_id: int, field: str = "id") -> Loaded:
    """The proposal, locked for this transaction, if `principal` may see it; else NOT_FOUND.

    This writes: a proposal whose electronic deadline passed is lapsed here first (LAPSED, with its
    history line and audit event, by the system), so every write sees the status every read shows.
    """
    statement = select(Proposal).where(col(Proposal.id) == proposal_id, visible_proposals(principal)).with_for_update()
    proposal = (await session.exec(statement)).one_or_none()
    if proposal is None:
        raise not_found(field, "No proposal has this id.")
    committee = await session.get_one(JointCommittee, proposal.committee_id)
    read_version = proposal.version
    if is_lapsed(proposal.status, proposal.mode, proposal.deadline, clock.today()):
        await move(
            session,
            SYSTEM,
            Loaded(proposal, committee),
            Step.LAPSE,
            ProposalStatus.LAPSED,
            note=f"The deadline {proposal.deadline} passed without a decision.",
        )
    return Loaded(proposal, committee, frozenset({read_version, proposal.version}))


@dataclass(frozen=True)
class StepBegun:
    """A proposal locked (and lapsed if due) for a step, and the step's transition from its status."""

    loaded: Loaded
    rule: Transition


async def begin_step(
    session: AsyncSession,
    principal: Principal,
    step: Step,
    proposal_id: int,
    expected_version: int | None,
) -> StepBegun:
    """Lock (lapsing it if due: `lock_and_lapse`) and check a step: NOT_FOUND, then FORBIDDEN, then
    STALE_VERSION, then INVALID_TRANSITION."""
    loaded = await lock_and_lapse(session, principal, proposal_id)
    proposal = loaded.proposal
    rule = TRANSITIONS[step]
    ensure_may(principal, rule.reach, f"to {rule.verb} a proposal", loaded.committee.code, proposal.proposer_side)
    if expected_version is not None and expected_version not in loaded.current_versions:
        raise DomainError(
            ErrorCode.STALE_VERSION,
            # The version a reader is shown: a lapse this write recorded is not one they missed.
            f"The proposal is at version {min(loaded.current_versions)}, not {expected_version}: reload it and retry.",
            "expectedVersion",
        )
    return StepBegun(loaded, transition(step, proposal.status))


async def move(
    session: AsyncSession,
    principal: Principal,
    loaded: Loaded,
    step: Step,
    target: ProposalStatus | None = None,
    note: str | None = None,
) -> None:
    """Apply a step: the status change (if any) and a new version, recorded in history and audit."""
    proposal = loaded.proposal
    before = audit.snapshot(proposal)
    from_status = proposal.status
    proposal.status = target or from_status
    proposal.version += 1
    session.add(proposal)
    await record(session, principal, loaded, step, from_status, note, before)


async def record(
    session: AsyncSession,
    principal: Principal,
    loaded: Loaded,
    step: Step,
    from_status: ProposalStatus | None,
    note: str | None = None,
    before: dict | None = None,
) -> None:
    """The history line and the audit event of a step the proposal has just taken."""
    proposal = loaded.proposal
    session.add(
        WorkflowEvent(
            proposal_id=saved_id(proposal),
            at=clock.now(),
            action=step.value,
            actor=principal.label,
            from_status=from_status,
            to_status=proposal.status,
            note=note,
        )
    )
    await session.flush()
    await audit.record(session, principal, step.value, proposal, committee_id=loaded.committee.id, before=before)
