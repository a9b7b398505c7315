"""CSV and JSON exports of projects and credit issuances: `/exports/projects.{csv,json}` and
`/exports/issuances.{csv,json}`, registered from api/exports.py, which serves and streams them.

Like every export they show what the public sees, whoever asks: projects from the committee's
decision on their PIN on, issuances as their proposal is public. Column names and order are stable
(documented in the README, held by tests/test_project_exports.py). Each page costs the same
statements whatever its size: one batch load per related table, never one per row.
"""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.export_params import Export, after_cursor, committee_codes, enum_values, iso, one
from models.decision import Decision
from models.enums import CreditHolder, IssuanceStatus, ProjectStatus, ProposalKind, Side
from models.methodology import Methodology
from models.principal import PUBLIC
from models.project import CreditAllocation, CreditAuthorization, CreditIssuance, Project, ProjectScope
from models.tpe import TpeDesignation
from resolvers import loaders as batch
from resolvers import project_queries

BATCH = 500

PROJECT_COLUMNS = [
    "pin_reference",
    "reference",
    "committee",
    "title",
    "participants",
    "sectoral_scopes",
    "status",
    "methodology",
    "methodology_version",
    "validator",
    "registered_on",
    "pdd_uri",
    "pdd_sha256",
    "pdd_public_input_opens_on",
    "pdd_public_input_closes_on",
    "pin_decision",
    "registration_decision",
    "withdrawal_decision",
]

ISSUANCE_COLUMNS = [
    "project_reference",
    "number",
    "committee",
    "monitoring_from",
    "monitoring_to",
    "verifier",
    "requested_amount",
    "notified_amount",
    "notified_on",
    "status",
    "decision",
    "partner_government_amount",
    "japan_government_amount",
    "project_participants_amount",
    "japan_authorized_amount",
    "partner_authorized_amount",
    "authorized",
    "authorized_amount",
]

# The holder columns, in column order; each holds the notified share once NOTIFIED, else the requested.
HOLDER_COLUMNS = {
    CreditHolder.PARTNER_GOVERNMENT: "partner_government_amount",
    CreditHolder.JAPAN_GOVERNMENT: "japan_government_amount",
    CreditHolder.PROJECT_PARTICIPANTS: "project_participants_amount",
}


def _by_id(rows: list[Any]) -> dict[int, Any]:
    return {row.id: row for row in rows if row is not None}


def _last_of(decisions: list[Decision], kind: ProposalKind) -> str | None:
    """The reference of the latest decision of `kind` (a registration may be proposed again after a refusal)."""
    return next((d.reference for d in reversed(decisions) if d.kind is kind), None)


async def project_rows(
    session: AsyncSession, filters: dict[str, Any], after: str | None
) -> tuple[list[dict], str | None]:
    page = await project_queries.list_projects(
        session, PUBLIC, first=BATCH, after=after, max_page_size=BATCH, **filters
    )
    rows: list[Project] = page.rows
    ids = [p.id for p in rows]
    codes = await committee_codes(session, [p.committee_id for p in rows])
    scopes = await batch.grouped(session, ProjectScope, "project_id", "scope", ids)
    methodologies = _by_id(
        await batch.one_by(session, Methodology, "id", sorted({p.methodology_id for p in rows if p.methodology_id}))
    )
    validators = _by_id(
        await batch.one_by(session, TpeDesignation, "id", sorted({p.validator_id for p in rows if p.validator_id}))
    )
    decided = await project_queries.project_decisions(session, [p.id for p in rows if p.id is not None])
    # A registration request whose proposal is still a draft is not public: PLANNED, without them.
    requests = [
        p.registration_proposal_id
        for p in rows
        if p.status is ProjectStatus.REGISTRATION_REQUESTED and p.registration_proposal_id is not None
    ]
    published = {p.id for p in await batch.visible_proposals_by_id(session, PUBLIC, requests) if p is not None}
    out = []
    for project, links, decisions in zip(rows, scopes, decided, strict=True):
        draft = (
            project.status is ProjectStatus.REGISTRATION_REQUESTED and project.registration_proposal_id not in published
        )
        methodology = methodologies.get(project.methodology_id) if project.methodology_id and not draft else None
        validator = validators.get(project.validator_id) if project.validator_id and not draft else None
        out.append(
            {
                "pin_reference": project.pin_reference,
                "reference": project.reference,
                "committee": codes[project.committee_id],
                "title": project.title,
                "participants": ";".join(project.participants.split("\n")),
                "sectoral_scopes": ";".join(str(link.scope) for link in links),
                "status": ProjectStatus.PLANNED.value if draft else project.status.value,
                "methodology": methodology.reference if methodology else None,
                "methodology_version": methodology.version if methodology else None,
                "validator": validator.reference if validator else None,
                "registered_on": iso(project.registered_on),
                "pdd_uri": project.pdd_uri,
                "pdd_sha256": project.pdd_sha256,
                "pdd_public_input_opens_on": iso(project.pdd_opens_on),
                "pdd_public_input_closes_on": iso(project.pdd_closes_on),
                "pin_decision": _last_of(decisions, ProposalKind.PLANNED_PROJECT),
                "registration_decision": _last_of(decisions, ProposalKind.PROJECT_REGISTRATION),
                "withdrawal_decision": _last_of(decisions, ProposalKind.PROJECT_WITHDRAWAL),
            }
        )
    return out, after_cursor(page)


async def issuance_rows(
    session: AsyncSession, filters: dict[str, Any], after: str | None
) -> tuple[list[dict], str | None]:
    page = await project_queries.list_issuances(
        session, PUBLIC, first=BATCH, after=after, max_page_size=BATCH, **filters
    )
    rows: list[CreditIssuance] = page.rows
    ids = [i.id for i in rows]
    codes = await committee_codes(session, [i.committee_id for i in rows])
    projects = _by_id(await batch.one_by(session, Project, "id", sorted({i.project_id for i in rows})))
    verifiers = _by_id(await batch.one_by(session, TpeDesignation, "id", sorted({i.verifier_id for i in rows})))
    decisions = await batch.one_by(session, Decision, "proposal_id", [i.proposal_id for i in rows])
    shares = await batch.grouped(session, CreditAllocation, "issuance_id", "holder", ids)
    authorizations = await batch.grouped(session, CreditAuthorization, "issuance_id", "side", ids)
    out = []
    for issuance, decision, allocations, authorized in zip(rows, decisions, shares, authorizations, strict=True):
        notified = issuance.status is IssuanceStatus.NOTIFIED
        by_holder = {a.holder: (a.notified_amount if notified else a.requested_amount) for a in allocations}
        by_side = {a.side: a.amount for a in authorized}
        both = set(by_side) == set(Side)
        out.append(
            {
                "project_reference": projects[issuance.project_id].reference,
                "number": issuance.number,
                "committee": codes[issuance.committee_id],
                "monitoring_from": issuance.monitoring_from.isoformat(),
                "monitoring_to": issuance.monitoring_to.isoformat(),
                "verifier": verifiers[issuance.verifier_id].reference,
                "requested_amount": issuance.requested_amount,
                "notified_amount": issuance.notified_amount,
                "notified_on": iso(issuance.notified_on),
                "status": issuance.status.value,
                "decision": decision.reference if decision else None,
                **{column: by_holder.get(holder) for holder, column in HOLDER_COLUMNS.items()},
                "japan_authorized_amount": by_side.get(Side.JAPAN),
                "partner_authorized_amount": by_side.get(Side.PARTNER),
                "authorized": both,
                "authorized_amount": min(by_side.values()) if both else None,
            }
        )
    return out, after_cursor(page)


PROJECT_EXPORTS = [
    Export(
        "projects",
        PROJECT_COLUMNS,
        lambda r: {"committee_code": one(r, "committee"), "statuses": enum_values(r, "status", ProjectStatus)},
        project_rows,
    ),
    Export(
        "issuances",
        ISSUANCE_COLUMNS,
        lambda r: {
            "committee_code": one(r, "committee"),
            "project_reference": one(r, "project"),
            "statuses": enum_values(r, "status", IssuanceStatus),
        },
        issuance_rows,
    ),
]
