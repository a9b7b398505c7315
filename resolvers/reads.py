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

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from models.records import record_class, record_columns

M = TypeVar("M")
S = TypeVar("S")


def select_records(model: type, *more: Any) -> sa.Select[Any]:
    """A Core select of `model`'s record columns (then `more` columns): add joins, filters, order."""
    return sa.select(*record_columns(model), *more)


def as_records(model: type, statement: sa.Select[Any]) -> sa.Select[Any]:
    """`statement` (a select of `model`, with its joins and filters) selecting the record columns instead."""
    return statement.with_only_columns(*record_columns(model))


KEYS = "keys"


def keys_in(column: Any) -> sa.ColumnElement[bool]:
    """`column IN :keys`, the keys given when the statement runs (`params={KEYS: [...]}`)."""
    return cast(sa.ColumnElement[bool], column.in_(sa.bindparam(KEYS, expanding=True)))


_BUILT: dict[Hashable, Any] = {}


def built_once(key: Hashable, build: Callable[[], S]) -> S:
    """The statement `build()` makes, made once per `key` and used again with other parameters.

    Building a select and computing SQLAlchemy's cache key for it (to find its compiled SQL) costs
    0.1-0.3 ms a statement, about what loading its rows costs; a statement object used again has
    both already (the cache key is memoized on it). Keys must be finite (model, column, role ...),
    never a value from a request: values go in as bound parameters."""
    statement = _BUILT.get(key)
    if statement is None:
        statement = _BUILT[key] = build()
    return cast(S, statement)


def _run(session: Any, statement: sa.Executable, params: Mapping[str, Any] | None) -> Sequence[sa.Row[Any]]:
    return session.connection().execute(statement, params).all()


async def rows(
    session: AsyncSession, statement: sa.Executable, params: Mapping[str, Any] | None = None
) -> Sequence[sa.Row[Any]]:
    """The Core rows of `statement`, run on the session's connection."""
    return await session.run_sync(_run, statement, params)


async def records(
    session: AsyncSession, model: type[M], statement: sa.Select[Any], params: Mapping[str, Any] | None = None
) -> list[M]:
    """The rows of `statement` (from `select_records(model)` or `as_records`) as records of `model`."""
    make = record_class(model)._make
    return cast(list[M], [make(row) for row in await rows(session, statement, params)])


async def one_record(
    session: AsyncSession, model: type[M], statement: sa.Select[Any], params: Mapping[str, Any] | None = None
) -> M | None:
    """The one row of `statement` as a record, None if there is none; more than one is an error."""
    found = await records(session, model, statement, params)
    if len(found) > 1:
        raise sa.exc.MultipleResultsFound("Multiple rows were found when one or none was required")
    return found[0] if found else None


def record_of(model: type[M], row: Sequence[Any]) -> M:
    """A record of `model` from the first columns of `row` (a row with more columns after them)."""
    cls = record_class(model)
    return cast(M, cls._make(row[: len(cls._fields)]))
