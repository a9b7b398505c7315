"""Credit issuance: the request for one monitoring period, what the committee's decision notifies,
and each government's authorization under Article 6.3."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.db import write_transaction
from models.decision import Decision
from models.enums import (
    CreditHolder,
    DecisionOutcome,
    IssuanceStatus,
    ProjectStatus,
    ProposalKind,
    TpeFunction,
    UsePurpose,
)
from models.errors import DomainError, ErrorCode, invalid
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.project import (
    COUNTED,
    CreditAllocation,
    CreditAuthorization,
    CreditIssuance,
    Project,
    check_allocations,
    overlaps,
)
from models.proposal import Proposal
from models.subjects import SubjectType, register_effects
from models.types import saved_id
from models.visibility import visible_issuances
from resolvers import audit
from resolvers.committees import lock_in_committee
from resolvers.project_checks import tpe_designated_for
from resolvers.projects import scopes_of, withdrawal_proposed
from resolvers.workflow import new_proposal

IS = IssuanceStatus


@dataclass(frozen=True)
class IssuanceResult:
    """An issuance and the CREDIT_ISSUANCE proposal that carries it."""

    issuance: CreditIssuance
    proposal: Proposal


async def request_issuance(
    session: AsyncSession,
    principal: Principal,
    *,
    project_reference: str,
    monitoring_from: date,
    monitoring_to: date,
    verifier_reference: str,
    requested_amount: int,
    allocations: list[tuple[CreditHolder, int]],
) -> IssuanceResult:
    """Request the credits of a REGISTERED project for a past monitoring period that overlaps no
    earlier request still standing, verified by an entity designated today for VERIFICATION in one
    of the project's scopes, split among the holders to the exact amount."""
    async with write_transaction(session):
        wanted = project_reference.strip().upper()
        locked = await lock_in_committee(
            session,
            Project,
            col(Project.reference) == wanted,
            "projectReference",
            f"No registered project has the reference {project_reference!r}.",
        )
        project, committee = locked.row, locked.committee
        ensure_allowed(principal, Action.REQUEST_ISSUANCE, committee.code)
        if project.status is not ProjectStatus.REGISTERED:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"{wanted} is {project.status.value}: credits are requested for a REGISTERED project only.",
                "projectReference",
            )
        if await withdrawal_proposed(session, saved_id(project)):
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"The withdrawal of {wanted} is proposed to the committee; no credits are requested for it "
                "until that proposal is decided or withdrawn.",
                "projectReference",
            )
        today = clock.today()
        if monitoring_from > monitoring_to:
            raise invalid(
                "monitoringTo", f"monitoringTo ({monitoring_to}) is before monitoringFrom ({monitoring_from})."
            )
        if monitoring_to > today:
            raise invalid(
                "monitoringTo", f"monitoringTo ({monitoring_to}) is in the future; request credits for a past period."
            )
        # Every request of the project, once: the standing ones for overlap, all of them for the number.
        earlier = (
            await session.exec(
                select(CreditIssuance)
                .where(col(CreditIssuance.project_id) == project.id)
                .order_by(col(CreditIssuance.number))
            )
        ).all()
        for other in earlier:
            if other.status in COUNTED and overlaps(
                monitoring_from, monitoring_to, other.monitoring_from, other.monitoring_to
            ):
                raise invalid(
                    "monitoringFrom",
                    f"The period {monitoring_from} – {monitoring_to} overlaps request {other.number} of {wanted} "
                    f"({other.monitoring_from} – {other.monitoring_to}, {other.status.value}); "
                    "a period is requested once unless that request was withdrawn.",
                )
        scopes = await scopes_of(session, saved_id(project))
        verifier = await tpe_designated_for(
            session, committee, verifier_reference, TpeFunction.VERIFICATION, scopes, today, "verifierReference"
        )
        check_allocations(requested_amount, allocations)
        number = max((other.number for other in earlier), default=0) + 1
        proposal = await new_proposal(
            session,
            principal,
            committee,
            kind=ProposalKind.CREDIT_ISSUANCE,
            title=f"Issuance for {wanted}: {requested_amount:,} t-CO2e, monitoring {monitoring_from} to {monitoring_to}",
            summary=", ".join(f"{holder.value} {amount:,}" for holder, amount in allocations),
        )
        issuance = CreditIssuance(
            project_id=saved_id(project),
            committee_id=saved_id(committee),
            number=number,
            monitoring_from=monitoring_from,
            monitoring_to=monitoring_to,
            verifier_id=saved_id(verifier),
            requested_amount=requested_amount,
            status=IS.REQUESTED,
            proposal_id=saved_id(proposal),
            created_at=clock.now(),
        )
        session.add(issuance)
        await session.flush()
        session.add_all(
            CreditAllocation(issuance_id=saved_id(issuance), holder=holder, requested_amount=amount)
            for holder, amount in allocations
        )
        proposal.subject_type, proposal.subject_id = SubjectType.CREDIT_ISSUANCE, issuance.id
        session.add(proposal)
        await session.flush()
        await audit.record(
            session,
            principal,
            "issuanceRequested",
            issuance,
            committee_id=committee.id,
            after=audit.snapshot(issuance) | {"allocations": {h.value: a for h, a in allocations}},
        )
    return IssuanceResult(issuance, proposal)


async def authorize_credits(
    session: AsyncSession,
    principal: Principal,
    *,
    issuance_id: int,
    amount: int,
    use_purposes: list[UsePurpose],
) -> IssuanceResult:
    """One government's Article 6.3 authorization of a NOTIFIED issuance, for its own side, once,
    for at most the notified amount."""
    async with write_transaction(session):
        locked = await lock_in_committee(
            session,
            CreditIssuance,
            (col(CreditIssuance.id) == issuance_id) & visible_issuances(principal),
            "issuanceId",
            "No credit issuance has this id.",
        )
        issuance, committee = locked.row, locked.committee
        ensure_allowed(principal, Action.AUTHORIZE_CREDITS, committee.code)
        side = principal.side
        assert side is not None  # a government within reach has a side
        if issuance.status is not IS.NOTIFIED or issuance.notified_amount is None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"This issuance is {issuance.status.value}: credits are authorized once the committee notified them.",
                "issuanceId",
            )
        earlier = (
            await session.exec(
                select(CreditAuthorization).where(
                    col(CreditAuthorization.issuance_id) == issuance.id, col(CreditAuthorization.side) == side
                )
            )
        ).one_or_none()
        if earlier is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"The {side.value} side already authorized these credits on {earlier.authorized_on} "
                f"({earlier.amount:,} t-CO2e); each government authorizes once.",
                "issuanceId",
            )
        if amount <= 0:
            raise invalid("amount", "amount is whole t-CO2e and must be above 0.")
        if amount > issuance.notified_amount:
            raise invalid(
                "amount",
                f"amount ({amount:,}) is more than the committee notified ({issuance.notified_amount:,} t-CO2e).",
            )
        purposes = sorted(set(use_purposes), key=list(UsePurpose).index)
        if not purposes:
            raise invalid("usePurposes", "Name at least one use purpose: NDC, OTHER_INTERNATIONAL_MITIGATION or both.")
        authorization = CreditAuthorization(
            issuance_id=saved_id(issuance),
            side=side,
            amount=amount,
            use_purposes=[p.value for p in purposes],
            authorized_on=clock.today(),
            recorded_by=principal.label,
            recorded_at=clock.now(),
        )
        session.add(authorization)
        await session.flush()
        # Recorded on the issuance, so that its trail (auditTrail(subjectId: issuance)) shows who authorized what.
        await audit.record(
            session,
            principal,
            "creditsAuthorized",
            issuance,
            committee_id=committee.id,
            before=audit.snapshot(issuance),
            after=audit.snapshot(issuance) | {"authorization": audit.snapshot(authorization)},
        )
        proposal = await session.get_one(Proposal, issuance.proposal_id)
    return IssuanceResult(issuance, proposal)


async def on_decision(session: AsyncSession, principal: Principal, proposal: Proposal, decision: Decision) -> None:
    """Approval notifies the requested amount, each holder's share as requested; an objection leaves
    the request NOT_APPROVED."""
    issuance = await session.get_one(CreditIssuance, proposal.subject_id)
    if decision.outcome is DecisionOutcome.NOT_APPROVED:
        await audit.change(
            session,
            principal,
            "issuanceNotApproved",
            issuance,
            committee_id=decision.committee_id,
            status=IS.NOT_APPROVED,
        )
        return
    allocations = (
        await session.exec(select(CreditAllocation).where(col(CreditAllocation.issuance_id) == issuance.id))
    ).all()
    for allocation in allocations:
        allocation.notified_amount = allocation.requested_amount
        session.add(allocation)
    await audit.change(
        session,
        principal,
        "issuanceNotified",
        issuance,
        committee_id=decision.committee_id,
        status=IS.NOTIFIED,
        notified_amount=issuance.requested_amount,
        notified_on=decision.decided_on,
    )


async def on_withdrawal(session: AsyncSession, principal: Principal, proposal: Proposal) -> None:
    issuance = await session.get_one(CreditIssuance, proposal.subject_id)
    await audit.change(
        session, principal, "issuanceWithdrawn", issuance, committee_id=proposal.committee_id, status=IS.WITHDRAWN
    )


register_effects(SubjectType.CREDIT_ISSUANCE, decided=on_decision, withdrawn=on_withdrawal)
