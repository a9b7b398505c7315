"""Dashboard figures counted from this system's own project register, one GROUP BY each.

They stand next to the counts published in May 2025 (seed data, `statistics.published_*`), which
they never replace: those cover projects registered before this system, these only the ones whose
registration and issuance decisions were taken here. Only public facts are counted, so the figures
are the same whoever asks: a registration and a notification are committee decisions, and decisions
are public.

"Registered" means a registration decision approved it (`registered_on` is set); a project later
withdrawn still counts in the year it was registered. "Credits notified" is the sum of
`notified_amount` of NOTIFIED issuances; an issuance counts in the year of `notified_on`, in its
project's committee, and in each sectoral scope of its project (so the scope figures may add up to
more than the total for a project of several scopes).
"""

from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.committee import JointCommittee
from models.enums import IssuanceStatus
from models.project import CreditIssuance, Project, ProjectScope
from models.reference_data import SectoralScope
from resolvers.reads import rows


def _year(column: Any) -> sa.ColumnElement[int]:
    """The year of a date column as an integer on both databases (PostgreSQL's EXTRACT is numeric)."""
    return sa.cast(sa.extract("year", column), sa.Integer)


def _credits() -> sa.ColumnElement[int]:
    return sa.type_coerce(sa.func.coalesce(sa.func.sum(col(CreditIssuance.notified_amount)), 0), sa.Integer)


_REGISTERED = col(Project.registered_on).is_not(None)
_NOTIFIED = col(CreditIssuance.status) == IssuanceStatus.NOTIFIED


async def registered_by_committee(session: AsyncSession) -> list[tuple[str, int]]:
    """(committee code, projects registered) for committees with at least one, by code."""
    statement = (
        select(col(JointCommittee.code), sa.func.count())
        .join(Project, col(Project.committee_id) == col(JointCommittee.id))
        .where(_REGISTERED)
        .group_by(col(JointCommittee.code))
        .order_by(col(JointCommittee.code))
    )
    return [(code, count) for code, count in (await session.exec(statement)).all()]


async def registered_by_year(session: AsyncSession) -> list[tuple[int, int]]:
    """(year of registration, projects registered), oldest year first."""
    year = _year(col(Project.registered_on))
    statement = select(year, sa.func.count()).where(_REGISTERED).group_by(year).order_by(year)
    return [(y, count) for y, count in (await session.exec(statement)).all()]


async def registered_by_scope(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(scope number, name, registered projects covering it) for all 15 scopes, zeros included."""
    counted = (
        select(col(ProjectScope.scope), sa.func.count().label("n"))
        .join(Project, col(Project.id) == col(ProjectScope.project_id))
        .where(_REGISTERED)
        .group_by(col(ProjectScope.scope))
        .subquery()
    )
    statement = (
        select(SectoralScope.number, SectoralScope.name, sa.func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.scope == col(SectoralScope.number))
        .order_by(col(SectoralScope.number))
    )
    return [(n, name, count) for n, name, count in (await session.exec(statement)).all()]


async def notified_by_committee(session: AsyncSession) -> list[tuple[str, int]]:
    """(committee code, t-CO2e notified) for committees that notified any, by code."""
    statement = (
        select(col(JointCommittee.code), _credits())
        .join(CreditIssuance, col(CreditIssuance.committee_id) == col(JointCommittee.id))
        .where(_NOTIFIED)
        .group_by(col(JointCommittee.code))
        .order_by(col(JointCommittee.code))
    )
    return [(code, amount) for code, amount in (await session.exec(statement)).all()]


async def notified_by_year(session: AsyncSession) -> list[tuple[int, int]]:
    """(year of notification, t-CO2e notified), oldest year first."""
    year = _year(col(CreditIssuance.notified_on))
    statement = select(year, _credits()).where(_NOTIFIED).group_by(year).order_by(year)
    return [(y, amount) for y, amount in (await session.exec(statement)).all()]


async def notified_by_scope(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(scope number, name, t-CO2e notified for projects covering it) for all 15 scopes, zeros included."""
    summed = (
        select(col(ProjectScope.scope), _credits().label("credits"))
        .join(CreditIssuance, col(CreditIssuance.project_id) == col(ProjectScope.project_id))
        .where(_NOTIFIED)
        .group_by(col(ProjectScope.scope))
        .subquery()
    )
    statement = (
        select(SectoralScope.number, SectoralScope.name, sa.func.coalesce(summed.c.credits, 0))
        .outerjoin(summed, summed.c.scope == col(SectoralScope.number))
        .order_by(col(SectoralScope.number))
    )
    return [(n, name, int(amount)) for n, name, amount in (await session.exec(statement)).all()]


async def registered_by_committee_year_scope(session: AsyncSession) -> list[tuple[str, int, int, str, int]]:
    """(committee code, year of registration, scope number, scope name, projects registered): the three
    breakdowns above at once, for a dashboard that filters by any of them; only non-zero rows."""
    year = _year(col(Project.registered_on))
    statement = (
        sa.select(col(JointCommittee.code), year, col(SectoralScope.number), col(SectoralScope.name), sa.func.count())
        .select_from(Project)
        .join(JointCommittee, col(JointCommittee.id) == col(Project.committee_id))
        .join(ProjectScope, col(ProjectScope.project_id) == col(Project.id))
        .join(SectoralScope, col(SectoralScope.number) == col(ProjectScope.scope))
        .where(_REGISTERED)
        .group_by(col(JointCommittee.code), year, col(SectoralScope.number), col(SectoralScope.name))
        .order_by(col(JointCommittee.code), year, col(SectoralScope.number))
    )
    found: list[Any] = list(await rows(session, statement))
    return [(code, y, n, name, count) for code, y, n, name, count in found]


async def notified_by_committee_year_scope(session: AsyncSession) -> list[tuple[str, int, int, str, int]]:
    """(committee code, year of notification, scope number, scope name, t-CO2e notified); an issuance of a
    project of several scopes counts in each; only non-zero rows."""
    year = _year(col(CreditIssuance.notified_on))
    statement = (
        sa.select(col(JointCommittee.code), year, col(SectoralScope.number), col(SectoralScope.name), _credits())
        .select_from(CreditIssuance)
        .join(JointCommittee, col(JointCommittee.id) == col(CreditIssuance.committee_id))
        .join(ProjectScope, col(ProjectScope.project_id) == col(CreditIssuance.project_id))
        .join(SectoralScope, col(SectoralScope.number) == col(ProjectScope.scope))
        .where(_NOTIFIED)
        .group_by(col(JointCommittee.code), year, col(SectoralScope.number), col(SectoralScope.name))
        .order_by(col(JointCommittee.code), year, col(SectoralScope.number))
    )
    found: list[Any] = list(await rows(session, statement))
    return [(code, y, n, name, int(amount)) for code, y, n, name, amount in found]
