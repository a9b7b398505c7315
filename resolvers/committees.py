"""Countries and committees: public reference data. Reads return records (`resolvers.reads`);
`committee_for_update` is for writes and loads the ORM instance."""

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Country, JointCommittee, SectoralScope
from models.enums import Region
from models.errors import not_found
from resolvers.reads import one_record, records, select_records


async def list_countries(session: AsyncSession) -> list[Country]:
    """Japan first, then the partners in signing order."""
    statement = select_records(Country).order_by(col(Country.signing_order).is_not(None), col(Country.signing_order))
    return await records(session, Country, statement)


async def list_committees(session: AsyncSession, region: Region | None = None) -> list[JointCommittee]:
    """Committees in the order their partners signed."""
    statement = (
        select_records(JointCommittee)
        .join(Country, col(Country.id) == col(JointCommittee.country_id))
        .order_by(col(Country.signing_order))
    )
    if region is not None:
        statement = statement.where(col(Country.region) == region)
    return await records(session, JointCommittee, statement)


async def find_committee(session: AsyncSession, code: str) -> JointCommittee | None:
    statement = select_records(JointCommittee).where(col(JointCommittee.code) == code.strip().upper())
    return await one_record(session, JointCommittee, statement)


async def committee_for_update(session: AsyncSession, code: str, field: str = "committeeCode") -> JointCommittee:
    """The committee, locked for the rest of the write transaction (PostgreSQL), or NOT_FOUND."""
    statement = select(JointCommittee).where(col(JointCommittee.code) == code.strip().upper()).with_for_update()
    committee = (await session.exec(statement)).one_or_none()
    if committee is None:
        raise not_found(field, f"No joint committee has the code {code!r}.")
    return committee


class OfCommittee(Protocol):
    """A table row that belongs to one committee."""

    id: int | None
    committee_id: int


R = TypeVar("R", bound=OfCommittee)


@dataclass(frozen=True)
class InCommittee(Generic[R]):
    """A row and its committee, both locked for the rest of the write transaction."""

    row: R
    committee: JointCommittee


async def lock_in_committee(
    session: AsyncSession, model: type[R], where: Any, field: str, missing: str
) -> InCommittee[R]:
    """The one row of `model` matching `where`, locked in the order every write takes them (models.db):
    its committee first, then the row itself, so that two writes never wait on each other;
    NOT_FOUND on `field` with the message `missing` when there is none."""
    statement = select(model).where(where)
    found = (await session.exec(statement)).one_or_none()
    if found is None:
        raise not_found(field, missing)
    code = (await session.exec(select(JointCommittee.code).where(col(JointCommittee.id) == found.committee_id))).one()
    committee = await committee_for_update(session, code, field)
    locked = statement.with_for_update().execution_options(populate_existing=True)
    return InCommittee((await session.exec(locked)).one(), committee)


Q = TypeVar("Q", bound=sa.Select[Any])


def of_committee(statement: Q, committee_id: Any, code: str | None) -> Q:
    """`statement` kept to the rows whose `committee_id` column is the committee of partner `code` (any
    case); unchanged when `code` is None. Every list filtered by committee filters this way."""
    if code is None:
        return statement
    joined = statement.join(JointCommittee, col(JointCommittee.id) == committee_id)
    return joined.where(col(JointCommittee.code) == code.strip().upper())


async def list_sectoral_scopes(session: AsyncSession) -> list[SectoralScope]:
    return await records(session, SectoralScope, select_records(SectoralScope).order_by(col(SectoralScope.number)))


async def find_country(session: AsyncSession, code: str) -> Country | None:
    statement = select_records(Country).where(col(Country.code) == code.strip().upper())
    return await one_record(session, Country, statement)
