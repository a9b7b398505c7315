"""Counts for dashboards, each one GROUP BY in the database."""

from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.committee import JointCommittee
from models.country import Country
from models.decision import Decision
from models.enums import DecisionOutcome, MethodologyStatus, ProposalKind, Region
from models.methodology import Methodology, MethodologyScope
from models.reference_data import SectoralScope


class DecisionCount(NamedTuple):
    committee_code: str
    kind: ProposalKind
    outcome: DecisionOutcome
    year: int
    count: int


async def decision_counts(session: AsyncSession) -> list[DecisionCount]:
    statement = (
        select(JointCommittee.code, Decision.kind, Decision.outcome, Decision.year, sa.func.count())
        .join(JointCommittee, col(JointCommittee.id) == col(Decision.committee_id))
        .group_by(JointCommittee.code, Decision.kind, Decision.outcome, Decision.year)
        .order_by(JointCommittee.code, Decision.year, Decision.kind, Decision.outcome)
    )
    return [DecisionCount(*row) for row in (await session.exec(statement)).all()]


async def valid_methodologies_by_scope(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(scope number, name, valid methodologies) for all 15 scopes, zeros included."""
    valid = (
        select(MethodologyScope.scope, sa.func.count().label("n"))
        .join(Methodology, col(Methodology.id) == col(MethodologyScope.methodology_id))
        .where(col(Methodology.status) == MethodologyStatus.VALID)
        .group_by(MethodologyScope.scope)
        .subquery()
    )
    statement = (
        select(SectoralScope.number, SectoralScope.name, sa.func.coalesce(valid.c.n, 0))
        .outerjoin(valid, valid.c.scope == col(SectoralScope.number))
        .order_by(SectoralScope.number)
    )
    return [tuple(row) for row in (await session.exec(statement)).all()]


async def published_projects_by_country(session: AsyncSession) -> list[Country]:
    """Partner countries in signing order, with the project counts published for them."""
    statement = select(Country).where(col(Country.signing_order).is_not(None)).order_by(col(Country.signing_order))
    return list((await session.exec(statement)).all())


async def published_projects_by_region(session: AsyncSession) -> list[tuple[Region, int, int]]:
    """(region, partner countries, published projects) per region."""
    statement = (
        select(Country.region, sa.func.count(), sa.func.coalesce(sa.func.sum(Country.published_project_count), 0))
        .where(col(Country.region).is_not(None))
        .group_by(Country.region)
    )
    order = list(Region)  # as the enum declares them, whatever the database's collation
    return sorted((tuple(row) for row in (await session.exec(statement)).all()), key=lambda row: order.index(row[0]))
