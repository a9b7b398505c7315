"""Third-party entities: registration, designation by function and scope, suspension and withdrawal."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.committee import JointCommittee
from models.country import Country
from models.db import write_transaction
from models.decision import Decision
from models.enums import (
    AccreditationBasis,
    DecisionOutcome,
    DesignationStatus,
    ProposalKind,
    ProposalStatus,
    TpeFunction,
)
from models.errors import DomainError, ErrorCode, invalid, not_found
from models.methodology import clean_scopes
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.proposal import Proposal
from models.subjects import SubjectType, register_effects
from models.tpe import (
    PROVISIONAL_PER_YEAR,
    ThirdPartyEntity,
    TpeAction,
    TpeDesignation,
    name_key,
    tpe_reference,
)
from models.types import saved_id
from models.validation import clean_required, clean_text
from resolvers import audit
from resolvers.committees import InCommittee, committee_for_update, lock_in_committee
from resolvers.sequences import next_number
from resolvers.tpe_scopes import reached, scopes_of, set_scopes, set_status
from resolvers.workflow import new_proposal

S = DesignationStatus
NAME_MAX, REASON_MAX = 200, 5_000
OPEN = {
    ProposalStatus.DRAFT,
    ProposalStatus.SUBMITTED,
    ProposalStatus.RETURNED,
    ProposalStatus.PUBLIC_INPUT,
    ProposalStatus.UNDER_CONSIDERATION,
    ProposalStatus.LAPSED,
}


@dataclass(frozen=True)
class DesignationChange:
    """A designation as changed or proposed, and the proposal carrying the change: None when the
    change took effect at once (a voluntary withdrawal)."""

    designation: TpeDesignation
    proposal: Proposal | None


async def register_entity(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    accreditation: AccreditationBasis,
    country_code: str | None = None,
    accreditation_body: str | None = None,
    accreditation_expires_on: date | None = None,
) -> ThirdPartyEntity:
    async with write_transaction(session):
        ensure_allowed(principal, Action.REGISTER_ENTITY)
        name = clean_required("name", name, max_length=NAME_MAX)
        body = clean_text("accreditationBody", accreditation_body, max_length=NAME_MAX, required=False)
        code = country_code.strip().upper() if country_code and country_code.strip() else None
        if (
            code is not None
            and (await session.exec(select(Country.id).where(col(Country.code) == code))).one_or_none() is None
        ):
            raise not_found("countryCode", f"{code} is not a country of the JCM (Japan or a partner).")
        duplicate = select(ThirdPartyEntity.id).where(col(ThirdPartyEntity.name_key) == name_key(name))
        if (await session.exec(duplicate)).first() is not None:
            raise invalid("name", f"An entity named {name!r} is already registered.")
        entity = ThirdPartyEntity(
            name=name,
            name_key=name_key(name),
            country_code=code,
            accreditation=accreditation,
            accreditation_body=body,
            accreditation_expires_on=accreditation_expires_on,
            created_at=clock.now(),
        )
        session.add(entity)
        try:
            await session.flush()
        except sa.exc.IntegrityError:  # registered by a concurrent request since we looked
            raise invalid("name", f"An entity named {name!r} is already registered.") from None
        await audit.record(session, principal, "entityRegistered", entity, committee_id=None)
    return entity


async def propose_designation(
    session: AsyncSession,
    principal: Principal,
    *,
    committee_code: str,
    entity_id: int,
    validation_scopes: list[int],
    verification_scopes: list[int],
) -> DesignationChange:
    """A TPE_DESIGNATION proposal: a first designation, extra scopes, or lifting a suspension."""
    async with write_transaction(session):
        committee = await committee_for_update(session, committee_code)
        ensure_allowed(principal, Action.PROPOSE_TPE_DESIGNATION, committee.code)
        entity = await session.get(ThirdPartyEntity, entity_id)
        if entity is None:
            raise not_found("entityId", "No third-party entity has this id.")
        wanted = [
            (TpeFunction.VALIDATION, n) for n in clean_scopes(validation_scopes, "validationScopes", allow_empty=True)
        ]
        wanted += [
            (TpeFunction.VERIFICATION, n)
            for n in clean_scopes(verification_scopes, "verificationScopes", allow_empty=True)
        ]
        if not wanted:
            raise invalid("validationScopes", "Name at least one sectoral scope, for validation or verification.")
        today = clock.today()
        if entity.accreditation_expires_on is not None and entity.accreditation_expires_on < today:
            raise invalid("entityId", f"{entity.name}'s accreditation expired on {entity.accreditation_expires_on}.")
        designation = await _designation_for_update(session, committee, entity)
        await _refuse_open_proposal(session, designation)
        scopes = await scopes_of(session, saved_id(designation))
        already = sorted((f, n) for f, n in wanted if (f, n) in scopes and scopes[(f, n)].status is S.DESIGNATED)
        if already:
            field = "validationScopes" if already[0][0] is TpeFunction.VALIDATION else "verificationScopes"
            raise invalid(field, "Already designated: " + ", ".join(f"{f.value.lower()} {n}" for f, n in already) + ".")
        if entity.accreditation is AccreditationBasis.PROVISIONAL:
            await _within_provisional_cap(session, committee, entity, today.year)
        title = f"Designation of {entity.name} as a third-party entity: " + "; ".join(
            f"{function.value.lower()} {', '.join(str(n) for f, n in wanted if f is function)}"
            for function in TpeFunction
            if any(f is function for f, _ in wanted)
        )
        proposal = await _proposal_with_action(
            session,
            principal,
            committee,
            designation,
            ProposalKind.TPE_DESIGNATION,
            title,
            scopes=[[f.value, n] for f, n in wanted],
        )
    return DesignationChange(designation, proposal)


async def propose_action(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: ProposalKind,
    reference: str,
    reason: str,
    function: TpeFunction | None = None,
    scopes: list[int] | None = None,
) -> DesignationChange:
    """A TPE_SUSPENSION or TPE_WITHDRAWAL proposal for a whole designation or named scopes."""
    action = Action.PROPOSE_TPE_SUSPENSION if kind is ProposalKind.TPE_SUSPENSION else Action.PROPOSE_TPE_WITHDRAWAL
    async with write_transaction(session):
        locked = await _designation_by_reference(session, reference)
        designation, committee = locked.row, locked.committee
        ensure_allowed(principal, action, committee.code)
        reason = clean_required("reason", reason, max_length=REASON_MAX)
        named = clean_scopes(scopes or [], "scopes", allow_empty=True)
        await _refuse_open_proposal(session, designation)
        affected = reached(await scopes_of(session, saved_id(designation)), kind, function, named)
        if not affected:
            what = "suspend" if kind is ProposalKind.TPE_SUSPENSION else "withdraw"
            raise invalid(
                "scopes",
                f"{designation.reference} has no scope to {what} here: nothing is designated"
                + (" or suspended" if kind is ProposalKind.TPE_WITHDRAWAL else "")
                + " that matches.",
            )
        entity = await session.get_one(ThirdPartyEntity, designation.entity_id)
        verb = "Suspension" if kind is ProposalKind.TPE_SUSPENSION else "Withdrawal"
        extent = (
            "the whole designation"
            if function is None and not named
            else ", ".join(f"{f.value.lower()} {n}" for f, n in affected)
        )
        proposal = await _proposal_with_action(
            session,
            principal,
            committee,
            designation,
            kind,
            f"{verb} of {designation.reference} ({entity.name}): {extent}",
            summary=reason,
            function=function,
            scopes=named or None,
            reason=reason,
        )
    return DesignationChange(designation, proposal)


async def record_voluntary_withdrawal(
    session: AsyncSession,
    principal: Principal,
    *,
    reference: str,
    reason: str,
    function: TpeFunction | None = None,
    scopes: list[int] | None = None,
) -> DesignationChange:
    """The entity's own notice: effective at once, no decision needed, recorded in the audit trail."""
    async with write_transaction(session):
        locked = await _designation_by_reference(session, reference)
        designation, committee = locked.row, locked.committee
        ensure_allowed(principal, Action.RECORD_VOLUNTARY_WITHDRAWAL, committee.code)
        reason = clean_required("reason", reason, max_length=REASON_MAX)
        named = clean_scopes(scopes or [], "scopes", allow_empty=True)
        current = await scopes_of(session, saved_id(designation))
        affected = reached(current, ProposalKind.TPE_WITHDRAWAL, function, named)
        if not affected:
            raise invalid("scopes", f"{designation.reference} has no designated or suspended scope that matches.")
        await set_scopes(
            session,
            principal,
            designation,
            current,
            affected,
            S.VOLUNTARILY_WITHDRAWN,
            clock.today(),
            action="voluntaryWithdrawalRecorded",
            note=reason,
        )
    return DesignationChange(designation, None)


async def on_decision(session: AsyncSession, principal: Principal, proposal: Proposal, decision: Decision) -> None:
    action = (await session.exec(select(TpeAction).where(col(TpeAction.proposal_id) == proposal.id))).one()
    designation = await session.get_one(TpeDesignation, action.designation_id)
    current = await scopes_of(session, saved_id(designation))
    if decision.outcome is DecisionOutcome.NOT_APPROVED:
        if not current:
            await set_status(session, principal, designation, current, S.NOT_APPROVED)
        return
    if action.kind is ProposalKind.TPE_DESIGNATION:
        if designation.reference is None:
            committee = await session.get_one(JointCommittee, designation.committee_id)
            designation.reference = tpe_reference(
                committee.code, await next_number(session, saved_id(committee), "TPE")
            )
            designation.designated_on = decision.decided_on
        assert action.scopes is not None  # a designation proposal always names its scopes
        targets = [(TpeFunction(f), n) for f, n in action.scopes]
        await set_scopes(
            session,
            principal,
            designation,
            current,
            targets,
            S.DESIGNATED,
            decision.decided_on,
            action="designated",
            note=decision.reference,
        )
        return
    targets = reached(current, action.kind, action.function, action.scopes or [])
    status = S.SUSPENDED if action.kind is ProposalKind.TPE_SUSPENSION else S.WITHDRAWN
    await set_scopes(
        session,
        principal,
        designation,
        current,
        targets,
        status,
        decision.decided_on,
        action="suspended" if status is S.SUSPENDED else "withdrawn",
        note=decision.reference,
    )


async def on_withdrawal(session: AsyncSession, principal: Principal, proposal: Proposal) -> None:
    """A proposal withdrawn before its decision changes no scope; a designation that never had
    one is withdrawn with it."""
    action = (await session.exec(select(TpeAction).where(col(TpeAction.proposal_id) == proposal.id))).one()
    designation = await session.get_one(TpeDesignation, action.designation_id)
    current = await scopes_of(session, saved_id(designation))
    if not current:
        await set_status(session, principal, designation, current, S.WITHDRAWN)


async def _designation_for_update(
    session: AsyncSession, committee: JointCommittee, entity: ThirdPartyEntity
) -> TpeDesignation:
    statement = select(TpeDesignation).where(
        col(TpeDesignation.committee_id) == committee.id, col(TpeDesignation.entity_id) == entity.id
    )
    designation = (await session.exec(statement.with_for_update())).one_or_none()
    if designation is None:
        designation = TpeDesignation(
            committee_id=saved_id(committee), entity_id=saved_id(entity), status=S.PROPOSED, created_at=clock.now()
        )
        session.add(designation)
        await session.flush()
    return designation


async def _designation_by_reference(session: AsyncSession, reference: str) -> InCommittee[TpeDesignation]:
    """The designation and its committee, locked in the order every TPE write takes them."""
    return await lock_in_committee(
        session,
        TpeDesignation,
        col(TpeDesignation.reference) == reference.strip().upper(),
        "reference",
        f"No designated third-party entity has the reference {reference!r}.",
    )


async def _refuse_open_proposal(session: AsyncSession, designation: TpeDesignation) -> None:
    statement = (
        select(Proposal)
        .join(TpeAction, col(TpeAction.proposal_id) == col(Proposal.id))
        .where(col(TpeAction.designation_id) == designation.id, col(Proposal.status).in_(OPEN))
    )
    if (open_proposal := (await session.exec(statement)).first()) is not None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"A proposal on this designation is still open ({open_proposal.kind.value}: {open_proposal.title}); "
            "decide or withdraw it first.",
        )


async def _within_provisional_cap(
    session: AsyncSession, committee: JointCommittee, entity: ThirdPartyEntity, year: int
) -> None:
    """Provisional designations: at most two a year per committee for the partner's entities, and two for Japan's."""
    partner = (await session.exec(select(Country.code).where(col(Country.id) == committee.country_id))).one()
    if entity.country_code not in (partner, "JP"):
        return
    statement = (
        select(sa.func.count(sa.distinct(col(TpeAction.designation_id))))
        .join(Proposal, col(Proposal.id) == col(TpeAction.proposal_id))
        .join(TpeDesignation, col(TpeDesignation.id) == col(TpeAction.designation_id))
        .join(ThirdPartyEntity, col(ThirdPartyEntity.id) == col(TpeDesignation.entity_id))
        .where(
            col(Proposal.committee_id) == committee.id,
            col(TpeAction.kind) == ProposalKind.TPE_DESIGNATION,
            col(ThirdPartyEntity.accreditation) == AccreditationBasis.PROVISIONAL,
            col(ThirdPartyEntity.country_code) == entity.country_code,
            col(TpeDesignation.entity_id) != entity.id,
            col(Proposal.status).in_(OPEN | {ProposalStatus.APPROVED}),
            sa.extract("year", col(Proposal.created_at)) == year,
        )
    )
    if (await session.exec(statement)).one() >= PROVISIONAL_PER_YEAR:
        raise invalid(
            "entityId",
            f"The {committee.code} committee already has {PROVISIONAL_PER_YEAR} provisional designations of "
            f"entities from {entity.country_code} in {year}: at most {PROVISIONAL_PER_YEAR} a year.",
        )


async def _proposal_with_action(
    session: AsyncSession,
    principal: Principal,
    committee: JointCommittee,
    designation: TpeDesignation,
    kind: ProposalKind,
    title: str,
    *,
    summary: str | None = None,
    scopes: list[Any] | None = None,
    function: TpeFunction | None = None,
    reason: str | None = None,
) -> Proposal:
    proposal = await new_proposal(session, principal, committee, kind=kind, title=title, summary=summary)
    proposal.subject_type, proposal.subject_id = SubjectType.TPE_DESIGNATION, designation.id
    session.add(proposal)
    tpe_action = TpeAction(
        proposal_id=saved_id(proposal),
        designation_id=saved_id(designation),
        kind=kind,
        scopes=scopes,
        function=function,
        reason=reason,
    )
    session.add(tpe_action)
    await session.flush()
    await audit.record(session, principal, f"{kind.value.lower()}Proposed", tpe_action, committee_id=committee.id)
    return proposal


register_effects(SubjectType.TPE_DESIGNATION, decided=on_decision, withdrawn=on_withdrawal)
