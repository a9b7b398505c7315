"""Methodologies: proposing one or a revision, and what a decision does to it."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.committee import JointCommittee
from models.db import write_transaction
from models.decision import Decision
from models.enums import DecisionOutcome, MethodologyStatus, ProposalKind
from models.errors import DomainError, ErrorCode, not_found
from models.methodology import Methodology, MethodologyScope, approved_reference, clean_scopes, proposed_reference
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.proposal import Proposal
from models.subjects import SubjectType, register_effects
from models.types import saved_id
from models.validation import clean_required, clean_text
from resolvers import audit
from resolvers.committees import committee_for_update
from resolvers.sequences import next_number
from resolvers.workflow import new_proposal

TITLE_MAX, SUMMARY_MAX, PROPONENT_MAX = 300, 20_000, 300


@dataclass(frozen=True)
class MethodologyProposed:
    """The PROPOSED methodology (a first version or a revision) and its DRAFT proposal."""

    methodology: Methodology
    proposal: Proposal


async def propose_methodology(
    session: AsyncSession,
    principal: Principal,
    *,
    committee_code: str,
    title: str,
    sectoral_scopes: list[int],
    proponent: str,
    summary: str | None = None,
) -> MethodologyProposed:
    """A proposed methodology under its PM reference, with a DRAFT METHODOLOGY_APPROVAL proposal."""
    async with write_transaction(session):
        committee = await committee_for_update(session, committee_code)
        ensure_allowed(principal, Action.PROPOSE_METHODOLOGY, committee.code)
        title = clean_required("title", title, max_length=TITLE_MAX)
        summary = clean_text("summary", summary, max_length=SUMMARY_MAX, required=False)
        proponent = clean_required("proponent", proponent, max_length=PROPONENT_MAX)
        scopes = clean_scopes(sectoral_scopes)
        reference = proposed_reference(committee.code, await next_number(session, saved_id(committee), "PM"))
        proposal = await new_proposal(
            session,
            principal,
            committee,
            kind=ProposalKind.METHODOLOGY_APPROVAL,
            title=f"{reference}: {title}",
            summary=summary,
        )
        methodology = await _add(
            session,
            principal,
            committee,
            proposal,
            scopes,
            proposed_reference=reference,
            title=title,
            summary=summary,
            proponent=proponent,
        )
    return MethodologyProposed(methodology, proposal)


async def propose_revision(
    session: AsyncSession, principal: Principal, *, reference: str, summary: str
) -> MethodologyProposed:
    """A revision of a VALID methodology: on approval it becomes the next version under the same AM reference."""
    async with write_transaction(session):
        current = (
            await session.exec(
                select(Methodology).where(
                    col(Methodology.reference) == reference.strip().upper(),
                    col(Methodology.status) == MethodologyStatus.VALID,
                )
            )
        ).one_or_none()
        if current is None:
            raise not_found("reference", f"No valid approved methodology has the reference {reference!r}.")
        committee = await session.get_one(JointCommittee, current.committee_id)
        committee = await committee_for_update(session, committee.code)
        ensure_allowed(principal, Action.PROPOSE_METHODOLOGY_REVISION, committee.code)
        summary = clean_required("summary", summary, max_length=SUMMARY_MAX)
        open_revision = (
            await session.exec(
                select(Methodology).where(
                    col(Methodology.reference) == current.reference,
                    col(Methodology.status) == MethodologyStatus.PROPOSED,
                )
            )
        ).first()
        if open_revision is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"A revision of {current.reference} is already open; decide or withdraw it first.",
                "reference",
            )
        scopes = list(
            (
                await session.exec(
                    select(MethodologyScope.scope).where(col(MethodologyScope.methodology_id) == current.id)
                )
            ).all()
        )
        proposal = await new_proposal(
            session,
            principal,
            committee,
            kind=ProposalKind.METHODOLOGY_REVISION,
            title=f"Revision of {current.reference}: {current.title}",
            summary=summary,
        )
        methodology = await _add(
            session,
            principal,
            committee,
            proposal,
            scopes,
            proposed_reference=current.proposed_reference,
            reference=current.reference,
            title=current.title,
            summary=summary,
            proponent=current.proponent,
        )
    return MethodologyProposed(methodology, proposal)


async def _add(
    session: AsyncSession,
    principal: Principal,
    committee: JointCommittee,
    proposal: Proposal,
    scopes: list[int],
    *,
    proposed_reference: str,
    title: str,
    summary: str | None,
    proponent: str,
    reference: str | None = None,
) -> Methodology:
    methodology = Methodology(
        committee_id=saved_id(committee),
        status=MethodologyStatus.PROPOSED,
        proposal_id=saved_id(proposal),
        created_at=clock.now(),
        proposed_reference=proposed_reference,
        reference=reference,
        title=title,
        summary=summary,
        proponent=proponent,
    )
    session.add(methodology)
    await session.flush()
    session.add_all(MethodologyScope(methodology_id=saved_id(methodology), scope=n) for n in scopes)
    proposal.subject_type, proposal.subject_id = SubjectType.METHODOLOGY, methodology.id
    session.add(proposal)
    await session.flush()
    await audit.record(session, principal, "methodologyProposed", methodology, committee_id=committee.id)
    return methodology


async def on_decision(session: AsyncSession, principal: Principal, proposal: Proposal, decision: Decision) -> None:
    """Approval: a first version gets its AM reference and ver01.0; a revision the next version,
    superseding the one before. Objection: NOT_APPROVED."""
    methodology = await session.get_one(Methodology, proposal.subject_id)
    before = audit.snapshot(methodology)
    if decision.outcome is DecisionOutcome.NOT_APPROVED:
        methodology.status = MethodologyStatus.NOT_APPROVED
    else:
        if methodology.reference is None:
            committee = await session.get_one(JointCommittee, methodology.committee_id)
            methodology.reference = approved_reference(
                committee.code, await next_number(session, saved_id(committee), "AM")
            )
            methodology.major = 1
        else:
            previous = (
                await session.exec(
                    select(Methodology).where(
                        col(Methodology.reference) == methodology.reference,
                        col(Methodology.status) == MethodologyStatus.VALID,
                    )
                )
            ).one()
            await audit.change(
                session,
                principal,
                "methodologySuperseded",
                previous,
                committee_id=decision.committee_id,
                status=MethodologyStatus.SUPERSEDED,
            )
            methodology.major = (previous.major or 0) + 1
        methodology.status = MethodologyStatus.VALID
        methodology.approved_on = decision.decided_on
    session.add(methodology)
    await session.flush()
    action = "methodologyApproved" if methodology.status is MethodologyStatus.VALID else "methodologyNotApproved"
    await audit.record(session, principal, action, methodology, committee_id=decision.committee_id, before=before)


async def on_withdrawal(session: AsyncSession, principal: Principal, proposal: Proposal) -> None:
    methodology = await session.get_one(Methodology, proposal.subject_id)
    await audit.change(
        session,
        principal,
        "methodologyWithdrawn",
        methodology,
        committee_id=proposal.committee_id,
        status=MethodologyStatus.WITHDRAWN,
    )


register_effects(SubjectType.METHODOLOGY, decided=on_decision, withdrawn=on_withdrawal)
