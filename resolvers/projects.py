"""Projects: the Project Idea Note, the design document's public input, registration and
withdrawal, and what the committee's decisions do to a project.

Every proposal about a project has the project as its subject; its kind says which step it is
(PLANNED_PROJECT, PROJECT_REGISTRATION, PROJECT_WITHDRAWAL), and `on_decision`/`on_withdrawal`
dispatch on it.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.committee import JointCommittee
from models.country import Country
from models.db import write_transaction
from models.decision import Decision
from models.enums import DecisionOutcome, IssuanceStatus, ProjectStatus, ProposalKind, TpeFunction
from models.errors import DomainError, ErrorCode, invalid
from models.methodology import clean_scopes
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.project import (
    DEFAULT_PDD_DAYS,
    CreditIssuance,
    Project,
    ProjectScope,
    clean_sha256,
    pin_reference,
    project_reference,
)
from models.proposal import Proposal
from models.subjects import SubjectType, register_effects
from models.types import saved_id
from models.validation import clean_required
from models.visibility import visible_projects
from models.workflow import BEFORE_DECISION, PUBLIC_INPUT_DAYS, public_input_window
from resolvers import audit
from resolvers.committees import InCommittee, committee_for_update, lock_in_committee
from resolvers.project_checks import methodology_covering, tpe_designated_for
from resolvers.sequences import next_number
from resolvers.workflow import new_proposal

P = ProjectStatus
TITLE_MAX, PARTICIPANT_MAX, PARTICIPANTS_MAX, URI_MAX, REASON_MAX = 300, 300, 50, 2000, 10_000


@dataclass(frozen=True)
class ProjectProposed:
    """The project and the DRAFT proposal that carries this step to the committee."""

    project: Project
    proposal: Proposal


async def project_for_update(
    session: AsyncSession, principal: Principal, project_id: int, field: str = "projectId"
) -> InCommittee[Project]:
    """The project, if `principal` may see it, with its committee and then itself locked; NOT_FOUND otherwise."""
    where = (col(Project.id) == project_id) & visible_projects(principal)
    return await lock_in_committee(session, Project, where, field, "No project has this id.")


def _is_web_address(uri: str) -> bool:
    """An http(s) address naming a host, without spaces: where anyone can fetch the document."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:  # a bracketed host that is no IPv6 address, a bad port
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host) and not any(c.isspace() for c in uri)


def _clean_participants(participants: list[str]) -> str:
    names: list[str] = []
    for index, name in enumerate(participants):
        field = f"participants.{index}"
        cleaned = " ".join(clean_required(field, name, max_length=PARTICIPANT_MAX).split())
        if cleaned.casefold() in (n.casefold() for n in names):
            raise invalid(field, f"{cleaned!r} is named twice; name each participant once.")
        names.append(cleaned)
    if not names:
        raise invalid("participants", "Name at least one project participant.")
    if len(names) > PARTICIPANTS_MAX:
        raise invalid("participants", f"At most {PARTICIPANTS_MAX} participants.")
    return "\n".join(names)


async def propose_planned_project(
    session: AsyncSession,
    principal: Principal,
    *,
    committee_code: str,
    title: str,
    participants: list[str],
    sectoral_scopes: list[int],
) -> ProjectProposed:
    """A Project Idea Note under its PIN reference, with a DRAFT PLANNED_PROJECT proposal."""
    async with write_transaction(session):
        committee = await committee_for_update(session, committee_code)
        ensure_allowed(principal, Action.PROPOSE_PLANNED_PROJECT, committee.code)
        title = clean_required("title", title, max_length=TITLE_MAX)
        names = _clean_participants(participants)
        scopes = clean_scopes(sectoral_scopes)
        pin = pin_reference(committee.code, await next_number(session, saved_id(committee), "PIN"))
        proposal = await new_proposal(
            session, principal, committee, kind=ProposalKind.PLANNED_PROJECT, title=f"{pin}: {title}", summary=None
        )
        project = Project(
            committee_id=saved_id(committee),
            pin_reference=pin,
            title=title,
            participants=names,
            status=P.PROPOSED,
            pin_proposal_id=saved_id(proposal),
            created_at=clock.now(),
        )
        session.add(project)
        await session.flush()
        session.add_all(ProjectScope(project_id=saved_id(project), scope=n) for n in scopes)
        await _link(session, proposal, project)
        await audit.record(session, principal, "projectProposed", project, committee_id=committee.id)
    return ProjectProposed(project, proposal)


async def record_design_document(
    session: AsyncSession,
    principal: Principal,
    *,
    project_id: int,
    uri: str,
    sha256: str,
    public_input_days: int = DEFAULT_PDD_DAYS,
) -> Project:
    """Record a PLANNED project's PDD and open its public input today, for `public_input_days`."""
    async with write_transaction(session):
        locked = await project_for_update(session, principal, project_id)
        project = locked.row
        ensure_allowed(principal, Action.RECORD_PROJECT_DESIGN_DOCUMENT, locked.committee.code)
        if project.status is not P.PLANNED:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"{project.pin_reference} is {project.status.value}: a design document is recorded for a PLANNED "
                "project (after the committee's no-objection to its PIN).",
                "projectId",
            )
        if project.pdd_recorded_on is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"The design document of {project.pin_reference} was recorded on {project.pdd_recorded_on}; "
                "it is recorded once.",
                "projectId",
            )
        cleaned_uri = clean_required("uri", uri, max_length=URI_MAX)
        if not _is_web_address(cleaned_uri):
            raise invalid(
                "uri", "uri is where the document is published: an http(s) address with a host, without spaces."
            )
        digest = clean_sha256(sha256)
        if public_input_days not in PUBLIC_INPUT_DAYS:
            raise invalid(
                "publicInputDays",
                f"publicInputDays must be between {PUBLIC_INPUT_DAYS.start} and {PUBLIC_INPUT_DAYS.stop - 1}.",
            )
        today = clock.today()
        opens, closes = public_input_window(today, public_input_days)
        await audit.change(
            session,
            principal,
            "projectDesignDocumentRecorded",
            project,
            committee_id=locked.committee.id,
            pdd_uri=cleaned_uri,
            pdd_sha256=digest,
            pdd_recorded_on=today,
            pdd_opens_on=opens,
            pdd_closes_on=closes,
        )
    return project


async def propose_registration(
    session: AsyncSession,
    principal: Principal,
    *,
    project_id: int,
    methodology_reference: str,
    validator_reference: str,
) -> ProjectProposed:
    """A PROJECT_REGISTRATION proposal for a PLANNED project whose PDD's public input has closed,
    under a VALID methodology of its committee covering its scopes, validated by an entity
    designated today for VALIDATION in one of them. Each unmet condition is its own error."""
    async with write_transaction(session):
        locked = await project_for_update(session, principal, project_id)
        project, committee = locked.row, locked.committee
        ensure_allowed(principal, Action.PROPOSE_REGISTRATION, committee.code)
        if project.status is not P.PLANNED:
            raise DomainError(ErrorCode.INVALID_TRANSITION, _not_registrable(project), "projectId")
        today = clock.today()
        _check_public_input_closed(project, today)
        scopes = await scopes_of(session, saved_id(project))
        methodology = await methodology_covering(session, committee, methodology_reference, scopes)
        validator = await tpe_designated_for(
            session, committee, validator_reference, TpeFunction.VALIDATION, scopes, today, "validatorReference"
        )
        proposal = await new_proposal(
            session,
            principal,
            committee,
            kind=ProposalKind.PROJECT_REGISTRATION,
            title=f"Registration of {project.pin_reference}: {project.title}",
            summary=f"Methodology {methodology.reference} {methodology.version}; validated by {validator.reference}.",
        )
        await _link(session, proposal, project)
        await audit.change(
            session,
            principal,
            "projectRegistrationProposed",
            project,
            committee_id=committee.id,
            status=P.REGISTRATION_REQUESTED,
            methodology_id=methodology.id,
            validator_id=validator.id,
            registration_proposal_id=proposal.id,
        )
    return ProjectProposed(project, proposal)


async def propose_withdrawal(
    session: AsyncSession, principal: Principal, *, project_id: int, reason: str
) -> ProjectProposed:
    """A PROJECT_WITHDRAWAL proposal for a REGISTERED project; one open at a time."""
    async with write_transaction(session):
        locked = await project_for_update(session, principal, project_id)
        project, committee = locked.row, locked.committee
        ensure_allowed(principal, Action.PROPOSE_PROJECT_WITHDRAWAL, committee.code)
        if project.status is not P.REGISTERED:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"{project.pin_reference} is {project.status.value}: only a REGISTERED project is withdrawn by decision.",
                "projectId",
            )
        reason = clean_required("reason", reason, max_length=REASON_MAX)
        # An issuance request still before the committee would, if approved after the withdrawal,
        # notify credits of a withdrawn project: it is decided or withdrawn first.
        pending = (
            await session.exec(
                select(CreditIssuance.number)
                .where(
                    col(CreditIssuance.project_id) == project.id,
                    col(CreditIssuance.status) == IssuanceStatus.REQUESTED,
                )
                .order_by(col(CreditIssuance.number))
            )
        ).first()
        if pending is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"Issuance request {pending} of {project.reference} awaits the committee's decision; "
                "decide or withdraw it before proposing the project's withdrawal.",
                "projectId",
            )
        if await withdrawal_proposed(session, saved_id(project)):
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"A withdrawal of {project.reference} is already proposed; decide or withdraw that proposal first.",
                "projectId",
            )
        proposal = await new_proposal(
            session,
            principal,
            committee,
            kind=ProposalKind.PROJECT_WITHDRAWAL,
            title=f"Withdrawal of {project.reference}: {project.title}",
            summary=reason,
        )
        await _link(session, proposal, project)
        await audit.record(session, principal, "projectWithdrawalProposed", project, committee_id=committee.id)
    return ProjectProposed(project, proposal)


async def withdrawal_proposed(session: AsyncSession, project_id: int) -> bool:
    """True while a PROJECT_WITHDRAWAL proposal of the project awaits the committee's decision."""
    open_one = (
        await session.exec(
            select(Proposal.id).where(
                col(Proposal.subject_type) == SubjectType.PROJECT,
                col(Proposal.subject_id) == project_id,
                col(Proposal.kind) == ProposalKind.PROJECT_WITHDRAWAL,
                col(Proposal.status).in_(BEFORE_DECISION),
            )
        )
    ).first()
    return open_one is not None


async def scopes_of(session: AsyncSession, project_id: int) -> list[int]:
    rows = await session.exec(select(ProjectScope.scope).where(col(ProjectScope.project_id) == project_id))
    return sorted(rows.all())


def _not_registrable(project: Project) -> str:
    why = {
        P.PROPOSED: "its PIN awaits the committee's decision",
        P.REGISTRATION_REQUESTED: "its registration is already proposed; decide or withdraw that proposal first",
        P.REGISTERED: f"it is already registered as {project.reference}",
    }.get(project.status, f"it is {project.status.value}")
    return f"{project.pin_reference} cannot be proposed for registration: {why}. Only a PLANNED project can."


def _check_public_input_closed(project: Project, today: date) -> None:
    if project.pdd_closes_on is None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"{project.pin_reference} has no design document yet: record its PDD (recordProjectDesignDocument) "
            "and let its public input run first.",
            "projectId",
        )
    if project.pdd_closes_on >= today:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"Public input on the design document of {project.pin_reference} is open until {project.pdd_closes_on}; "
            "propose its registration after the window has closed.",
            "projectId",
        )


async def _link(session: AsyncSession, proposal: Proposal, project: Project) -> None:
    proposal.subject_type, proposal.subject_id = SubjectType.PROJECT, project.id
    session.add(proposal)
    await session.flush()


async def on_decision(session: AsyncSession, principal: Principal, proposal: Proposal, decision: Decision) -> None:
    """PIN: PLANNED or OBJECTED, public from now on. Registration: REGISTERED under the next
    project reference (after the committee's published projects) or NOT_REGISTERED. Withdrawal:
    WITHDRAWN, or nothing changes."""
    project = await session.get_one(Project, proposal.subject_id)
    approved = decision.outcome is DecisionOutcome.APPROVED
    values: dict[str, object]
    match proposal.kind:
        case ProposalKind.PLANNED_PROJECT:
            values = {"status": P.PLANNED if approved else P.OBJECTED, "published_at": clock.now()}
            action = "projectPlanned" if approved else "projectObjected"
        case ProposalKind.PROJECT_REGISTRATION if approved:
            values = {
                "status": P.REGISTERED,
                "reference": await _next_project_reference(session, project.committee_id),
                "registered_on": decision.decided_on,
            }
            action = "projectRegistered"
        case ProposalKind.PROJECT_REGISTRATION:
            values, action = {"status": P.NOT_REGISTERED}, "projectNotRegistered"
        case ProposalKind.PROJECT_WITHDRAWAL if approved:
            values, action = {"status": P.WITHDRAWN}, "projectWithdrawn"
        case _:
            return
    await audit.change(session, principal, action, project, committee_id=decision.committee_id, **values)


async def _next_project_reference(session: AsyncSession, committee_id: int) -> str:
    """`VN051`: numbering continues after the projects published for the country (50 for Viet Nam)."""
    committee = await session.get_one(JointCommittee, committee_id)
    country = await session.get_one(Country, committee.country_id)
    number = (country.published_project_count or 0) + await next_number(session, committee_id, "PRJ")
    return project_reference(committee.code, number)


async def on_withdrawal(session: AsyncSession, principal: Principal, proposal: Proposal) -> None:
    """A withdrawn PIN withdraws the project; a withdrawn registration request leaves it PLANNED."""
    project = await session.get_one(Project, proposal.subject_id)
    if proposal.kind is ProposalKind.PLANNED_PROJECT:
        await audit.change(
            session, principal, "projectWithdrawn", project, committee_id=proposal.committee_id, status=P.WITHDRAWN
        )
    elif proposal.kind is ProposalKind.PROJECT_REGISTRATION:
        await audit.change(
            session,
            principal,
            "projectRegistrationWithdrawn",
            project,
            committee_id=proposal.committee_id,
            status=P.PLANNED,
            methodology_id=None,
            validator_id=None,
            registration_proposal_id=None,
        )


register_effects(SubjectType.PROJECT, decided=on_decision, withdrawn=on_withdrawal)
