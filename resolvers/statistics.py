"""Counts for dashboards, each one GROUP BY in the database."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from models.committee import JointCommittee
from models.country import Country
from models.decision import Decision
from models.enums import DecisionOutcome, DesignationStatus, MethodologyStatus, ProposalKind, Region
from models.methodology import Methodology, MethodologyScope
from models.principal import Principal
from models.project import Project
from models.reference_data import SectoralScope
from models.tpe import TpeDesignation
from models.visibility import visible_designations, visible_methodologies, visible_projects
from resolvers.reads import records, rows, select_records


@dataclass(frozen=True, slots=True)
class DecisionCount:
    """One GROUP BY row. A dataclass, not a NamedTuple: a field named `count` would shadow tuple.count."""

    committee_code: str
    kind: ProposalKind
    outcome: DecisionOutcome
    year: int
    count: int


async def decision_counts(session: AsyncSession) -> list[DecisionCount]:
    # sqlmodel's select() is typed for at most four columns; its Select takes any number, like select() does.
    columns: Select[str, ProposalKind, DecisionOutcome, int, int] = Select(
        col(JointCommittee.code), col(Decision.kind), col(Decision.outcome), col(Decision.year), sa.func.count()
    )
    statement = (
        columns.join(JointCommittee, col(JointCommittee.id) == col(Decision.committee_id))
        .group_by(col(JointCommittee.code), col(Decision.kind), col(Decision.outcome), col(Decision.year))
        .order_by(col(JointCommittee.code), col(Decision.year), col(Decision.kind), col(Decision.outcome))
    )
    return [DecisionCount(*row) for row in (await session.exec(statement)).all()]


@dataclass(frozen=True, slots=True)
class CommitteeCounts:
    """What one committee has published, as the asking principal sees it."""

    committee_code: str
    decisions: int
    methodologies: int
    designated_tpes: int
    projects: int


def _of_each_committee(visible: sa.Select[Any], committee_id: Any) -> sa.ScalarSelect[int]:
    """How many rows `visible` selects of the committee of the enclosing row: the statement a
    committee's connection counts for its totalCount, so that the two agree by construction. A
    correlated subquery reads each committee's rows by its committee index; it is also quicker to
    build than a grouped subquery joined in (about 1 ms instead of 8 per request)."""
    return visible.with_only_columns(sa.func.count()).where(committee_id == col(JointCommittee.id)).scalar_subquery()


async def committee_counts(session: AsyncSession, principal: Principal) -> list[CommitteeCounts]:
    """Every committee, by code, with its decisions, the methodologies, designated TPEs and projects
    `principal` may see: the totalCounts of JointCommittee.decisions, .methodologies,
    .tpeDesignations(filter: {status: [DESIGNATED]}) and .projects, in one statement for all
    committees (a page listing the 30 would otherwise count each list of each committee)."""
    designated = select(TpeDesignation).where(
        visible_designations(principal), col(TpeDesignation.status) == DesignationStatus.DESIGNATED
    )
    statement = sa.select(
        col(JointCommittee.code),
        _of_each_committee(select(Decision), col(Decision.committee_id)),
        _of_each_committee(visible_methodologies(principal), col(Methodology.committee_id)),
        _of_each_committee(designated, col(TpeDesignation.committee_id)),
        _of_each_committee(select(Project).where(visible_projects(principal)), col(Project.committee_id)),
    ).order_by(col(JointCommittee.code))
    return [
        CommitteeCounts(code, int(decisions), int(methodologies), int(tpes), int(projects))
        for code, decisions, methodologies, tpes, projects in (tuple(row) for row in await rows(session, statement))
    ]


async def valid_methodologies_by_scope(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(scope number, name, valid methodologies) for all 15 scopes, zeros included."""
    valid = (
        select(MethodologyScope.scope, sa.func.count().label("n"))
        .join(Methodology, col(Methodology.id) == col(MethodologyScope.methodology_id))
        .where(col(Methodology.status) == MethodologyStatus.VALID)
        .group_by(col(MethodologyScope.scope))
        .subquery()
    )
    statement = (
        select(SectoralScope.number, SectoralScope.name, sa.func.coalesce(valid.c.n, 0))
        .outerjoin(valid, valid.c.scope == col(SectoralScope.number))
        .order_by(col(SectoralScope.number))
    )
    return [tuple(row) for row in (await session.exec(statement)).all()]


async def published_projects_by_country(session: AsyncSession) -> list[Country]:
    """Partner countries in signing order, with the project counts published for them."""
    statement = (
        select_records(Country).where(col(Country.signing_order).is_not(None)).order_by(col(Country.signing_order))
    )
    return await records(session, Country, statement)


async def published_projects_by_region(session: AsyncSession) -> list[tuple[Region, int, int]]:
    """(region, partner countries, published projects) per region."""
    statement = (
        select(
            col(Country.region),
            sa.func.count(),
            # COALESCE makes it an int; type_coerce (no SQL of its own) tells the typing so.
            sa.type_coerce(sa.func.coalesce(sa.func.sum(col(Country.published_project_count)), 0), sa.Integer),
        )
        .where(col(Country.region).is_not(None))
        .group_by(Country.region)
    )
    order = list(Region)  # as the enum declares them, whatever the database's collation
    rows = (await session.exec(statement)).all()
    return sorted(
        # `is not None` as the WHERE already ensures: it narrows the column's optional type.
        ((region, countries, projects) for region, countries, projects in rows if region is not None),
        key=lambda row: order.index(row[0]),
    )
