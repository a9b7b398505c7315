"""Japan's NDC accounting: the units in Japan's NULLIFICATION account that count towards its NDC,
and progress against the JCM's targets.

A unit counts for a period when it sits in JP's NULLIFICATION account (whatever the purpose: the
government's NDC nullifications and companies' SHK, GX-ETS or voluntary ones alike, since each is
removed from circulation under Article 6), both governments authorized its issuance and both named
the NDC among the use purposes, and its issuance's monitoring period lies inside the period
(1 January of `from_year` to 31 December of `to_year`). A period straddling either boundary is
not counted and is listed with the reason, so that a figure never hides what it left out.

Every figure is computed with a fixed number of statements, whatever the size of the ledger: the
units grouped by issuance in SQL, the authorizations of those issuances, and the issued totals.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.committee import JointCommittee
from models.country import Country
from models.enums import RegistryAccountKind, Side, UsePurpose
from models.errors import invalid
from models.project import CreditAllocation, CreditAuthorization, CreditIssuance, Project
from models.registry import JAPAN, Registry, RegistryAccount, UnitBlock
from models.types import saved_id

FIRST_YEAR, LAST_YEAR = 2013, 2100  # the JCM began in 2013; later years are not a plausible period
# The JCM's targets for Japan: 100 Mt-CO2 by FY2030 and 200 Mt by FY2040 (one unit is one t-CO2).
TARGETS = ((100_000_000, 2030), (200_000_000, 2040))


@dataclass(frozen=True)
class Nullified:
    """One issuance's units in JP's NULLIFICATION account."""

    issuance_id: int
    project_reference: str
    issuance_number: int
    monitoring_from: date
    monitoring_to: date
    country_id: int
    units: int
    for_ndc: bool  # both governments authorized it and both named the NDC


@dataclass(frozen=True)
class Exclusion:
    issuance_id: int
    project_reference: str
    issuance_number: int
    monitoring_from: date
    monitoring_to: date
    units: int
    reason: str


@dataclass(frozen=True)
class PartnerShare:
    country: Country
    nullified_total: int
    annual_average: float


@dataclass(frozen=True)
class Target:
    target: int
    fiscal_year: int
    issued: int
    nullified_for_ndc: int
    share: float


@dataclass(frozen=True)
class NdcAccounting:
    from_year: int
    to_year: int
    nullified_total: int
    annual_average: float
    by_partner: list[PartnerShare]
    excluded: list[Exclusion]
    targets: list[Target]


def check_years(from_year: int, to_year: int) -> None:
    for name, year in (("fromYear", from_year), ("toYear", to_year)):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise invalid(name, f"{name} must be a year from {FIRST_YEAR} to {LAST_YEAR}; {year} is not.")
    if from_year > to_year:
        raise invalid("toYear", f"toYear ({to_year}) must not be before fromYear ({from_year}).")


def fiscal_year_end(fiscal_year: int) -> date:
    """Japan's fiscal year starts 1 April: FY2030 ends on 31 March 2031."""
    return date(fiscal_year + 1, 3, 31)


async def nullified_by_issuance(session: AsyncSession) -> list[Nullified]:
    """Each issuance with units in JP's NULLIFICATION account, its units summed by the database."""
    units = sa.func.sum(col(UnitBlock.last_unit) - col(UnitBlock.first_unit) + 1)
    rows = (
        await session.exec(
            select(CreditIssuance, col(Project.reference), col(JointCommittee.country_id), units)
            .select_from(UnitBlock)
            .join(RegistryAccount, col(RegistryAccount.id) == col(UnitBlock.account_id))
            .join(Registry, col(Registry.id) == col(RegistryAccount.registry_id))
            .join(CreditIssuance, col(CreditIssuance.id) == col(UnitBlock.issuance_id))
            .join(Project, col(Project.id) == col(CreditIssuance.project_id))
            .join(JointCommittee, col(JointCommittee.id) == col(Project.committee_id))
            .where(col(Registry.code) == JAPAN, col(RegistryAccount.kind) == RegistryAccountKind.NULLIFICATION)
            # PostgreSQL lets the other columns follow from the primary keys grouped by.
            .group_by(col(CreditIssuance.id), col(Project.id), col(JointCommittee.id))
            .order_by(col(CreditIssuance.monitoring_from), col(CreditIssuance.id))
        )
    ).all()
    ndc = await _ndc_authorized(session, [saved_id(row[0]) for row in rows])
    return [
        Nullified(
            issuance_id=saved_id(issuance),
            project_reference=reference or "",
            issuance_number=issuance.number,
            monitoring_from=issuance.monitoring_from,
            monitoring_to=issuance.monitoring_to,
            country_id=country_id,
            units=int(total),
            for_ndc=issuance.id in ndc,
        )
        for issuance, reference, country_id, total in rows
    ]


async def _ndc_authorized(session: AsyncSession, issuance_ids: list[int]) -> set[int]:
    """Of these issuances, those both governments authorized, both naming the NDC (one statement)."""
    if not issuance_ids:
        return set()
    rows = (
        await session.exec(
            select(CreditAuthorization.issuance_id, CreditAuthorization.side, CreditAuthorization.use_purposes).where(
                col(CreditAuthorization.issuance_id).in_(issuance_ids)
            )
        )
    ).all()
    sides: dict[int, set[str]] = defaultdict(set)
    for issuance_id, side, purposes in rows:
        if UsePurpose.NDC.value in purposes:
            sides[issuance_id].add(side)
    return {issuance_id for issuance_id, named in sides.items() if named == {side.value for side in Side}}


async def issued_by_fiscal_year(session: AsyncSession) -> dict[int, int]:
    """Units issued in all registries for monitoring periods ending by the end of each target's fiscal year."""
    sums = [
        sa.func.coalesce(
            sa.func.sum(
                sa.case(
                    (col(CreditIssuance.monitoring_to) <= fiscal_year_end(year), col(CreditAllocation.issued_amount)),
                    else_=0,
                )
            ),
            0,
        )
        for _, year in TARGETS
    ]
    row = (
        await session.exec(
            select(*sums)
            .select_from(CreditAllocation)
            .join(CreditIssuance, col(CreditIssuance.id) == col(CreditAllocation.issuance_id))
            .where(col(CreditAllocation.issued_amount).is_not(None))
        )
    ).one()
    return {year: int(total) for (_, year), total in zip(TARGETS, row, strict=True)}


def _exclusion(row: Nullified, reason: str) -> Exclusion:
    return Exclusion(
        row.issuance_id,
        row.project_reference,
        row.issuance_number,
        row.monitoring_from,
        row.monitoring_to,
        row.units,
        reason,
    )


def _why_excluded(row: Nullified, start: date, end: date) -> str | None:
    """None when the row counts for the period; why not when it overlaps the period without counting.
    Rows wholly outside the period are simply of another period (the caller skips them)."""
    if row.monitoring_from < start:
        return f"its monitoring period begins before {start.isoformat()}, the start of the period"
    if row.monitoring_to > end:
        return f"its monitoring period ends after {end.isoformat()}, the end of the period"
    if not row.for_ndc:
        return "not authorized for NDC use by both governments"
    return None


async def ndc_accounting(session: AsyncSession, from_year: int, to_year: int) -> NdcAccounting:
    check_years(from_year, to_year)
    start, end = date(from_year, 1, 1), date(to_year, 12, 31)
    years = to_year - from_year + 1
    rows = await nullified_by_issuance(session)
    counted: list[Nullified] = []
    excluded: list[Exclusion] = []
    for row in rows:
        if row.monitoring_to < start or row.monitoring_from > end:
            continue
        reason = _why_excluded(row, start, end)
        if reason is None:
            counted.append(row)
        else:
            excluded.append(_exclusion(row, reason))
    by_country: dict[int, int] = defaultdict(int)
    for row in counted:
        by_country[row.country_id] += row.units
    countries = (
        (await session.exec(select(Country).where(col(Country.id).in_(list(by_country))))).all() if by_country else []
    )
    partners = sorted(countries, key=lambda country: country.code)
    total = sum(row.units for row in counted)
    issued = await issued_by_fiscal_year(session)
    targets = []
    for target, year in TARGETS:
        cutoff = fiscal_year_end(year)
        nullified = sum(row.units for row in rows if row.for_ndc and row.monitoring_to <= cutoff)
        targets.append(Target(target, year, issued[year], nullified, issued[year] / target))
    return NdcAccounting(
        from_year=from_year,
        to_year=to_year,
        nullified_total=total,
        annual_average=total / years,
        by_partner=[
            PartnerShare(country, by_country[country.id or 0], by_country[country.id or 0] / years)
            for country in partners
        ],
        excluded=excluded,
        targets=targets,
    )
