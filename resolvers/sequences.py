"""Gapless reference numbers per committee, taken inside the transaction that uses them."""

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.counter import ReferenceCounter
from models.db import dialect_name


async def next_number(session: AsyncSession, committee_id: int, sequence: str) -> int:
    """The committee's next number in `sequence`, under the counter row's lock until commit."""
    dialect_insert = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
    await session.exec(
        dialect_insert(ReferenceCounter)
        .values(committee_id=committee_id, sequence=sequence, last_value=0)
        .on_conflict_do_nothing()
    )
    counter = (
        await session.exec(
            select(ReferenceCounter)
            .where(col(ReferenceCounter.committee_id) == committee_id, col(ReferenceCounter.sequence) == sequence)
            .with_for_update()
        )
    ).one()
    counter.last_value += 1
    session.add(counter)
    return counter.last_value
