"""Rules, guidelines and forms: proposing a version, and what a decision does to it."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.committee import JointCommittee
from models.db import write_transaction
from models.decision import Decision
from models.enums import DecisionOutcome, ProposalKind, RuleDocumentType, RuleVersionStatus
from models.errors import DomainError, ErrorCode, invalid
from models.permissions import Action, ensure_allowed
from models.principal import Principal
from models.proposal import Proposal
from models.reference_data import RuleDocumentKind
from models.rule import FORM_NAME, SHA256, RuleDocument, RuleVersion, document_code, format_version, parse_version
from models.subjects import SubjectType, register_effects
from models.types import saved_id
from models.validation import clean_text
from resolvers import audit
from resolvers.committees import committee_for_update
from resolvers.workflow import new_proposal

URI_MAX, SUMMARY_MAX, TITLE_MAX = 2000, 20_000, 300


@dataclass(frozen=True)
class RuleVersionProposed:
    """The PROPOSED version and its DRAFT proposal of kind RULE_VERSION."""

    rule_version: RuleVersion
    proposal: Proposal


async def propose_rule_version(
    session: AsyncSession,
    principal: Principal,
    *,
    committee_code: str,
    type: RuleDocumentType,
    form_name: str | None = None,
    title: str | None = None,
    version: str | None = None,
    uri: str | None = None,
    sha256: str | None = None,
    summary: str | None = None,
    effective_on: date | None = None,
) -> RuleVersionProposed:
    """A PROPOSED version of one of the committee's documents, with its DRAFT proposal.

    The version is the given one, which must be higher than the one in force, or the next major.
    """
    async with write_transaction(session):
        committee = await committee_for_update(session, committee_code)
        ensure_allowed(principal, Action.PROPOSE_RULE_VERSION, committee.code)
        form_name = _clean_form_name(type, form_name)
        title = clean_text("title", title, max_length=TITLE_MAX, required=False)
        summary = clean_text("summary", summary, max_length=SUMMARY_MAX, required=False)
        uri = _clean_uri(uri)
        digest = _clean_sha256(sha256)
        wanted = parse_version(version) if version and version.strip() else None
        document = await _document_for_update(session, committee, type, form_name)
        await _refuse_a_second_open_version(session, document)
        in_force = await in_force_version(session, saved_id(document))
        if wanted is None:
            wanted = (in_force.major + 1 if in_force else 1, 0)
        elif in_force and wanted <= (in_force.major, in_force.minor):
            raise invalid(
                "version", f"{format_version(*wanted)} is not higher than {in_force.version}, which is in force."
            )
        short_code = await _short_code(session, type)
        proposal = await new_proposal(
            session,
            principal,
            committee,
            kind=ProposalKind.RULE_VERSION,
            title=title or f"{document.title} {format_version(*wanted)}",
            summary=summary,
        )
        rule_version = RuleVersion(
            document_id=saved_id(document),
            major=wanted[0],
            minor=wanted[1],
            code=document_code(committee.code, short_code, form_name, *wanted),
            status=RuleVersionStatus.PROPOSED,
            effective_on=effective_on,
            uri=uri,
            sha256=digest,
            summary=summary,
            proposal_id=saved_id(proposal),
            created_at=clock.now(),
        )
        session.add(rule_version)
        await session.flush()
        proposal.subject_type, proposal.subject_id = SubjectType.RULE_VERSION, rule_version.id
        session.add(proposal)
        await audit.record(session, principal, "ruleVersionProposed", rule_version, committee_id=committee.id)
    return RuleVersionProposed(rule_version, proposal)


async def in_force_version(session: AsyncSession, document_id: int) -> RuleVersion | None:
    statement = select(RuleVersion).where(
        col(RuleVersion.document_id) == document_id, col(RuleVersion.status) == RuleVersionStatus.IN_FORCE
    )
    return (await session.exec(statement)).one_or_none()


async def on_decision(session: AsyncSession, principal: Principal, proposal: Proposal, decision: Decision) -> None:
    """Approval puts the version in force (the previous one is superseded); objection: not adopted."""
    rule_version = await session.get_one(RuleVersion, proposal.subject_id)
    before = audit.snapshot(rule_version)
    if decision.outcome is DecisionOutcome.NOT_APPROVED:
        rule_version.status = RuleVersionStatus.NOT_ADOPTED
    else:
        document = await session.get_one(RuleDocument, rule_version.document_id)
        await _rules_of_procedure_first(session, document)
        previous = await in_force_version(session, saved_id(document))
        if previous is not None:
            await audit.change(
                session,
                principal,
                "ruleVersionSuperseded",
                previous,
                committee_id=decision.committee_id,
                status=RuleVersionStatus.SUPERSEDED,
            )
        rule_version.status = RuleVersionStatus.IN_FORCE
        rule_version.effective_on = rule_version.effective_on or decision.decided_on
    session.add(rule_version)
    await session.flush()
    await audit.record(
        session,
        principal,
        f"ruleVersion{rule_version.status.title().replace('_', '')}",
        rule_version,
        committee_id=decision.committee_id,
        before=before,
    )


async def on_withdrawal(session: AsyncSession, principal: Principal, proposal: Proposal) -> None:
    rule_version = await session.get_one(RuleVersion, proposal.subject_id)
    await audit.change(
        session,
        principal,
        "ruleVersionNotAdopted",
        rule_version,
        committee_id=proposal.committee_id,
        status=RuleVersionStatus.NOT_ADOPTED,
    )


async def _rules_of_procedure_first(session: AsyncSession, document: RuleDocument) -> None:
    """At an inaugural meeting the Rules of Procedures come first: nothing else before them."""
    if document.type is RuleDocumentType.RULES_OF_PROCEDURE:
        return
    statement = (
        select(RuleVersion.id)
        .join(RuleDocument, col(RuleDocument.id) == col(RuleVersion.document_id))
        .where(
            col(RuleDocument.committee_id) == document.committee_id,
            col(RuleDocument.type) == RuleDocumentType.RULES_OF_PROCEDURE,
            col(RuleVersion.status) == RuleVersionStatus.IN_FORCE,
        )
    )
    if (await session.exec(statement)).first() is None:
        committee = await session.get_one(JointCommittee, document.committee_id)
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"The Rules of Procedures of the {committee.code} committee must be in force before any other "
            "rule can be adopted; adopt them first.",
        )


async def _document_for_update(
    session: AsyncSession, committee: JointCommittee, type: RuleDocumentType, form_name: str
) -> RuleDocument:
    """The committee's document of that type (a form: of that name), created for a new form."""
    statement = select(RuleDocument).where(
        col(RuleDocument.committee_id) == committee.id,
        col(RuleDocument.type) == type,
        col(RuleDocument.form_name) == form_name,
    )
    document = (await session.exec(statement.with_for_update())).one_or_none()
    if document is None:
        kind = (await session.exec(select(RuleDocumentKind).where(col(RuleDocumentKind.type) == type))).one_or_none()
        document = RuleDocument(
            committee_id=saved_id(committee),
            type=type,
            form_name=form_name,
            title=kind.title if kind else f"Form: {form_name}",
            position=kind.position if kind else 100,
        )
        session.add(document)
        await session.flush()
    return document


async def _refuse_a_second_open_version(session: AsyncSession, document: RuleDocument) -> None:
    statement = select(RuleVersion).where(
        col(RuleVersion.document_id) == document.id, col(RuleVersion.status) == RuleVersionStatus.PROPOSED
    )
    if (open_version := (await session.exec(statement)).first()) is not None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"{open_version.code} is already proposed for this document; decide or withdraw it first.",
            "type",
        )


async def _short_code(session: AsyncSession, type: RuleDocumentType) -> str:
    if type is RuleDocumentType.FORM:
        return "F"
    kind = (await session.exec(select(RuleDocumentKind).where(col(RuleDocumentKind.type) == type))).one()
    return kind.short_code


def _clean_form_name(type: RuleDocumentType, form_name: str | None) -> str:
    name = (form_name or "").strip()
    if type is not RuleDocumentType.FORM:
        if name:
            raise invalid("formName", "formName is only for documents of type FORM.")
        return ""
    if not name:
        raise invalid("formName", "A FORM needs formName, the form's short name: PIN, PDD, MR ...")
    if len(name) > 40 or not FORM_NAME.match(name):
        raise invalid("formName", "formName is letters and digits, words joined by _, at most 40 characters.")
    return name


def _clean_uri(uri: str | None) -> str | None:
    text = clean_text("uri", uri, max_length=URI_MAX, required=False)
    if text is not None and not text.startswith(("https://", "http://")):
        raise invalid("uri", "uri must be an http(s) address where the adopted text is published.")
    return text


def _clean_sha256(sha256: str | None) -> str | None:
    text = (sha256 or "").strip().lower()
    if not text:
        return None
    if not SHA256.match(text):
        raise invalid("sha256", "sha256 must be 64 hexadecimal characters.")
    return text


register_effects(SubjectType.RULE_VERSION, decided=on_decision, withdrawn=on_withdrawal)
