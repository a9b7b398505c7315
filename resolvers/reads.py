"""How reads load rows: as plain records (`models.records`), through the session's connection.

A read selects the table's columns with Core and makes one record per result row; no ORM
instance, identity map or change tracking is involved, so a read costs what its SQL and its
tuples cost. The statement runs on the session's own connection, in the session's transaction
(the same BEGIN as before), in one hop into SQLAlchemy's greenlet.

The read functions are typed as returning the model: a record answers every column attribute and
every property of its model as an instance would, and mypy cannot tell them apart. What a read
returns is for rendering only: a write loads its rows with the ORM (`session.exec(select(Model))`),
and SQLAlchemy refuses a record given to a session.

No autoflush happens before these statements: reads run outside write transactions (a mutation's
payload is read after its commit), where the session holds no pending changes.
"""

from collections.abc import Sequence
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.records import record_class, record_columns

M = TypeVar("M")


def select_records(model: type, *more: Any) -> sa.Select[Any]:
    """A Core select of `model`'s record columns (then `more` columns): add joins, filters, order."""
    return sa.select(*record_columns(model), *more)


def as_records(model: type, statement: sa.Select[Any]) -> sa.Select[Any]:
    """`statement` (a select of `model`, with its joins and filters) selecting the record columns instead."""
    return statement.with_only_columns(*record_columns(model))


def _run(session: Any, statement: sa.Executable) -> Sequence[sa.Row[Any]]:
    return session.connection().execute(statement).all()


async def rows(session: AsyncSession, statement: sa.Executable) -> Sequence[sa.Row[Any]]:
    """The Core rows of `statement`, run on the session's connection."""
    return await session.run_sync(_run, statement)


async def records(session: AsyncSession, model: type[M], statement: sa.Select[Any]) -> list[M]:
    """The rows of `statement` (from `select_records(model)` or `as_records`) as records of `model`."""
    make = record_class(model)._make
    return cast(list[M], [make(row) for row in await rows(session, statement)])


async def one_record(session: AsyncSession, model: type[M], statement: sa.Select[Any]) -> M | None:
    """The one row of `statement` as a record, None if there is none; more than one is an error."""
    found = await records(session, model, statement)
    if len(found) > 1:
        raise sa.exc.MultipleResultsFound("Multiple rows were found when one or none was required")
    return found[0] if found else None


def record_of(model: type[M], row: Sequence[Any]) -> M:
    """A record of `model` from the first columns of `row` (a row with more columns after them)."""
    cls = record_class(model)
    return cast(M, cls._make(row[: len(cls._fields)]))
