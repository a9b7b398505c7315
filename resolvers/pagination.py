"""Keyset pagination: opaque cursors over the sort key, a capped page size, a total count.

Pages are reads: their rows are plain records (`resolvers.reads`), not ORM instances."""

import base64
import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import invalid
from models.types import MAX_INTEGER
from models.validation import unstorable
from resolvers.reads import as_records, built_once, record_of, rows

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    total: int


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode()


# A cursor holds ids and dates (as text), nothing else: each value a whole number that fits a
# PostgreSQL integer or a short string. Anything else was not made here, and would fail in SQL
# (an id past 2^31 - 1, a float such as 1e400, Infinity) or deep in Python (nesting past the
# recursion limit) as an internal error.
CURSOR_TEXT = 64


def _not_ours(text: str) -> Any:
    raise ValueError(f"not a cursor value: {text}")


def _cursor_value(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_INTEGER <= value <= MAX_INTEGER
    return isinstance(value, str) and len(value) <= CURSOR_TEXT and unstorable(value) is None


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        values = json.loads(text, parse_float=_not_ours, parse_constant=_not_ours, parse_int=_cursor_int)
    except (ValueError, RecursionError):  # binascii.Error and UnicodeError are ValueErrors
        values = None
    if not isinstance(values, list) or len(values) != arity or not all(map(_cursor_value, values)):
        raise invalid("after", "after is not a cursor of this list.")
    return values


def _cursor_int(text: str) -> int:
    if len(text.lstrip("-")) > 10:  # int() of a long digit string is slow, and no id is that long
        raise ValueError("not a cursor value")
    return int(text)


def check_first(first: int, max_page_size: int) -> None:
    if not 1 <= first <= max_page_size:
        raise invalid("first", f"first must be between 1 and {max_page_size}.")


def _page_statements(
    statement: sa.Select,
    model: type[SQLModel],
    sort: Sequence[SQLCoreOperations[Any]],
    after: bool,
    ascending: bool = False,
) -> tuple[sa.Select, sa.Select]:
    """The page (records, then the total) and the count alone, for `statement` (a select of
    `model`); the cursor's values and the page's limit are bound parameters."""
    statement = as_records(model, statement)
    count = select(sa.func.count()).select_from(statement.order_by(None).subquery())
    # The total rides along with the page as a scalar subquery: one statement, not two.
    order = [c.asc() if ascending else c.desc() for c in sort]
    page = statement.add_columns(count.scalar_subquery().label("total")).order_by(*order)
    if after:
        cursor = [sa.bindparam(f"{AFTER}{i}", type_=cast(sa.ColumnElement[Any], c).type) for i, c in enumerate(sort)]
        page = page.where(sa.tuple_(*sort) > sa.tuple_(*cursor) if ascending else sa.tuple_(*sort) < sa.tuple_(*cursor))
    return page.limit(sa.bindparam(LIMIT, type_=sa.Integer)), count


AFTER = "page_after_"
LIMIT = "page_limit"


async def paginate(
    session: AsyncSession,
    statement: sa.Select | Callable[[], sa.Select],
    *,
    model: type[SQLModel],
    sort: Sequence[SQLCoreOperations[Any]],
    key: Callable[[Any], list[Any]],
    parse: Callable[[list[Any]], list[Any]],
    first: int,
    after: str | None,
    max_page_size: int,
    shape: Hashable | None = None,
    params: Mapping[str, Any] | None = None,
    ascending: bool = False,
) -> Page[Any]:
    """One page of `statement` (a select of `model`, with its joins and filters) in descending
    `sort` order (ascending with `ascending`) after the cursor, plus the total; the rows are
    records of `model`.

    `key` turns a row into its cursor values (JSON-friendly); `parse` turns them back into values
    to compare with the columns. With a `shape`, `statement` is a function building the select
    with its filter values as bound parameters (given in `params`): the page's statements are then
    built once per shape (`resolvers.reads.built_once`), and `shape` must say everything the
    function's result depends on.
    """
    check_first(first, max_page_size)
    bound = dict(params or {})
    if after is not None:
        try:
            values = parse(decode_cursor(after, len(sort)))
        except (TypeError, ValueError, OverflowError):
            raise invalid("after", "after is not a cursor of this list.") from None
        bound.update({f"{AFTER}{i}": value for i, value in enumerate(values)})

    def build() -> tuple[sa.Select, sa.Select]:
        built = statement() if callable(statement) else statement
        return _page_statements(built, model, sort, after is not None, ascending)

    page, count = build() if shape is None else built_once(("page", model, shape, after is not None, ascending), build)
    found = await rows(session, page, {**bound, LIMIT: first + 1})
    records = [record_of(model, row) for row in found[:first]]
    if found:
        total = found[0][-1]
    else:  # past the end, or an empty list: the count alone
        total = (await rows(session, count, params))[0][0] if after is not None else 0
    return Page(
        rows=records,
        cursors=[encode_cursor(key(row)) for row in records],
        has_next=len(found) > first,
        has_previous=after is not None,
        total=total,
    )


async def paginate_by_id(
    session: AsyncSession, statement: sa.Select, model: Any, *, first: int, after: str | None, max_page_size: int
) -> Page[Any]:
    """`paginate` newest first by id: lists whose order is their creation."""
    return await paginate(
        session,
        statement,
        model=model,
        sort=[model.id],
        key=lambda row: [row.id],
        parse=lambda values: [int(values[0])],
        first=first,
        after=after,
        max_page_size=max_page_size,
    )
