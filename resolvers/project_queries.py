"""Reading projects and credit issuances: by reference, the keyset lists (issuances across projects
for the export), and the batch loads of their nested fields. Visibility (models.visibility) is
applied in SQL, counts included."""

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import clock
from models.decision import Decision
from models.enums import IssuanceStatus, ProjectStatus
from models.principal import Principal
from models.project import CreditIssuance, Project
from models.proposal import Proposal
from models.subjects import SubjectType
from models.visibility import project_status_seen, visible_issuances, visible_projects
from models.workflow import window_open_sql
from resolvers.committees import of_committee
from resolvers.loaders import visibility_key
from resolvers.pagination import Page, paginate_by_id
from resolvers.reads import KEYS, built_once, keys_in, one_record, record_of, records, rows, select_records

PIN = re.compile(r"^[A-Z]{2}_PIN\d+$")


async def find_project(session: AsyncSession, principal: Principal, reference: str) -> Project | None:
    """By PIN reference (VN_PIN001) or project reference (VN051)."""
    wanted = reference.strip().upper()
    column = Project.pin_reference if PIN.match(wanted) else Project.reference
    statement = select_records(Project).where(col(column) == wanted, visible_projects(principal))
    return await one_record(session, Project, statement)


async def list_projects(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    committee_code: str | None = None,
    statuses: list[ProjectStatus] | None = None,
    open_for_comment: bool = False,
) -> Page[Project]:
    """Projects the principal may see, newest first; with `open_for_comment`, only PLANNED projects
    whose design document's public-input window includes today (what submitPublicComment(projectId:)
    takes now)."""
    statement = select(Project).where(visible_projects(principal))
    statement = of_committee(statement, col(Project.committee_id), committee_code)
    if statuses:
        # The status each reader is shown: a registration still in draft reads PLANNED to outsiders.
        statement = statement.where(project_status_seen(principal).in_([s.value for s in statuses]))
    if open_for_comment:
        statement = statement.where(
            col(Project.status) == ProjectStatus.PLANNED,
            window_open_sql(col(Project.pdd_opens_on), col(Project.pdd_closes_on), clock.today()),
        )
    return await paginate_by_id(
        session, statement, Project, first=first, after=after, max_page_size=max_page_size, last=last, before=before
    )


async def list_issuances(
    session: AsyncSession,
    principal: Principal,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    committee_code: str | None = None,
    project_reference: str | None = None,
    statuses: list[IssuanceStatus] | None = None,
) -> Page[CreditIssuance]:
    """Issuances the principal may see, newest request first."""
    statement = select(CreditIssuance).where(visible_issuances(principal))
    statement = of_committee(statement, col(CreditIssuance.committee_id), committee_code)
    if project_reference is not None:
        statement = statement.where(
            col(CreditIssuance.project_id).in_(
                select(Project.id).where(col(Project.reference) == project_reference.strip().upper())
            )
        )
    if statuses:
        statement = statement.where(col(CreditIssuance.status).in_(statuses))
    return await paginate_by_id(
        session,
        statement,
        CreditIssuance,
        first=first,
        after=after,
        max_page_size=max_page_size,
        last=last,
        before=before,
    )


async def visible_projects_by_id(
    session: AsyncSession, principal: Principal, ids: Sequence[int]
) -> list[Project | None]:
    statement = built_once(
        ("visible_projects", visibility_key(principal)),
        lambda: select_records(Project).where(keys_in(col(Project.id)), visible_projects(principal)),
    )
    found = {row.id: row for row in await records(session, Project, statement, {KEYS: list(set(ids))})}
    return [found.get(key) for key in ids]


async def visible_issuances_by(
    session: AsyncSession, principal: Principal, key_column: str, keys: Sequence[int]
) -> list[list[CreditIssuance]]:
    """Issuances the principal may see per `key_column` value (id or project_id), oldest first."""
    statement = built_once(
        ("visible_issuances", key_column, visibility_key(principal)),
        lambda: (
            select_records(CreditIssuance)
            .where(keys_in(col(getattr(CreditIssuance, key_column))), visible_issuances(principal))
            .order_by(col(CreditIssuance.number))
        ),
    )
    found: dict[int, list[CreditIssuance]] = defaultdict(list)
    for row in await records(session, CreditIssuance, statement, {KEYS: list(set(keys))}):
        found[getattr(row, key_column)].append(row)
    return [found[key] for key in keys]


async def one_visible_issuance(
    session: AsyncSession, principal: Principal, ids: Sequence[int]
) -> list[CreditIssuance | None]:
    return [group[0] if group else None for group in await visible_issuances_by(session, principal, "id", ids)]


async def project_decisions(session: AsyncSession, keys: Sequence[int]) -> list[list[Decision]]:
    """The decisions on a project, oldest first: its PIN, registration, withdrawal, and each of its
    issuances. Decisions are public, whoever asks."""
    statement = built_once(
        "project_decisions",
        lambda: (
            select_records(Decision, Proposal.subject_type, Proposal.subject_id, CreditIssuance.project_id)
            .join(Proposal, col(Proposal.id) == col(Decision.proposal_id))
            .outerjoin(CreditIssuance, col(CreditIssuance.proposal_id) == col(Proposal.id))
            .where(
                (col(Proposal.subject_type) == SubjectType.PROJECT) & keys_in(col(Proposal.subject_id))
                | keys_in(col(CreditIssuance.project_id))
            )
            .order_by(col(Decision.id))
        ),
    )
    found: dict[Any, list[Decision]] = defaultdict(list)
    for row in await rows(session, statement, {KEYS: list(set(keys))}):
        values: tuple[Any, ...] = tuple(row)
        # An issuance's decision: its project; else the project the proposal is about.
        project_id = values[-1] if values[-1] is not None else values[-2]
        found[project_id].append(record_of(Decision, row))
    return [found[key] for key in keys]
