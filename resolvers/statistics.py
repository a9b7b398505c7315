"""Counts for dashboards, each one GROUP BY in the database."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from models.committee import JointCommittee
from models.country import Country
from models.decision import Decision
from models.enums import DecisionOutcome, MethodologyStatus, ProposalKind, Region
from models.methodology import Methodology, MethodologyScope
from models.reference_data import SectoralScope
from resolvers.reads import records, select_records


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
