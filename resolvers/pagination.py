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

from models.errors import DomainError, invalid
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


def decode_cursor(cursor: str, arity: int, field: str = "after") -> list[Any]:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        values = json.loads(text, parse_float=_not_ours, parse_constant=_not_ours, parse_int=_cursor_int)
    except (ValueError, RecursionError):  # binascii.Error and UnicodeError are ValueErrors
        values = None
    if not isinstance(values, list) or len(values) != arity or not all(map(_cursor_value, values)):
        raise _not_a_cursor(field)
    return values


def _not_a_cursor(field: str) -> DomainError:
    return invalid(field, f"{field} is not a cursor of this list.")


def _cursor_int(text: str) -> int:
    if len(text.lstrip("-")) > 10:  # int() of a long digit string is slow, and no id is that long
        raise ValueError("not a cursor value")
    return int(text)


def check_first(first: int, max_page_size: int, field: str = "first") -> None:
    if not 1 <= first <= max_page_size:
        raise invalid(field, f"{field} must be between 1 and {max_page_size}.")


def page_size(first: int | None, last: int | None, max_page_size: int) -> tuple[int, bool]:
    """How many rows the page holds and whether it is taken from the end of the list (`last`).

    Relay pages forward (`first`, from the start or `after` a cursor) or backward (`last`, from
    the end or `before` a cursor), never both at once: which rows `first: 2, last: 2` meant
    would be a guess."""
    if first is not None and last is not None:
        raise invalid("last", "Give first (to page forward) or last (to page backward), not both.")
    if last is not None:
        check_first(last, max_page_size, "last")
        return last, True
    if first is None:
        raise invalid("first", "Give first (to page forward) or last (to page backward).")
    check_first(first, max_page_size)
    return first, False


def _page_statements(
    statement: sa.Select,
    model: type[SQLModel],
    sort: Sequence[SQLCoreOperations[Any]],
    after: bool,
    before: bool,
    ascending: bool = False,
    backward: bool = False,
) -> tuple[sa.Select, sa.Select]:
    """The page (records, then the total) and the count alone, for `statement` (a select of
    `model`); the cursors' values and the page's limit are bound parameters.

    `after` and `before` are in the list's order; a backward page walks the list from its end
    (the order reversed), so that its limit takes the rows nearest `before` (or the last ones)."""
    statement = as_records(model, statement)
    count = select(sa.func.count()).select_from(statement.order_by(None).subquery())
    # The total rides along with the page as a scalar subquery: one statement, not two.
    walk_up = ascending != backward
    order = [c.asc() if walk_up else c.desc() for c in sort]
    page = statement.add_columns(count.scalar_subquery().label("total")).order_by(*order)
    columns = sa.tuple_(*sort)
    if after:
        cursor = sa.tuple_(*_cursor_params(AFTER, sort))
        page = page.where(columns > cursor if ascending else columns < cursor)
    if before:
        cursor = sa.tuple_(*_cursor_params(BEFORE, sort))
        page = page.where(columns < cursor if ascending else columns > cursor)
    return page.limit(sa.bindparam(LIMIT, type_=sa.Integer)), count


def _cursor_params(prefix: str, sort: Sequence[SQLCoreOperations[Any]]) -> list[sa.BindParameter[Any]]:
    return [sa.bindparam(f"{prefix}{i}", type_=cast(sa.ColumnElement[Any], c).type) for i, c in enumerate(sort)]


AFTER = "page_after_"
BEFORE = "page_before_"
LIMIT = "page_limit"


async def paginate(
    session: AsyncSession,
    statement: sa.Select | Callable[[], sa.Select],
    *,
    model: type[SQLModel],
    sort: Sequence[SQLCoreOperations[Any]],
    key: Callable[[Any], list[Any]],
    parse: Callable[[list[Any]], list[Any]],
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
    shape: Hashable | None = None,
    params: Mapping[str, Any] | None = None,
    ascending: bool = False,
) -> Page[Any]:
    """One page of `statement` (a select of `model`, with its joins and filters) in descending
    `sort` order (ascending with `ascending`), plus the total; the rows are records of `model`.

    The page is the `first` rows after the cursor `after` (from the start without one), or the
    `last` rows before the cursor `before` (up to the end without one); `after` and `before`
    together bound the page on both sides. A backward page is fetched in the reverse order (the
    same single statement, limit `last + 1`) and its rows put back in the list's order.

    `key` turns a row into its cursor values (JSON-friendly); `parse` turns them back into values
    to compare with the columns. With a `shape`, `statement` is a function building the select
    with its filter values as bound parameters (given in `params`): the page's statements are then
    built once per shape (`resolvers.reads.built_once`), and `shape` must say everything the
    function's result depends on.
    """
    size, backward = page_size(first, last, max_page_size)
    bound = dict(params or {})
    for field, cursor, prefix in (("after", after, AFTER), ("before", before, BEFORE)):
        if cursor is not None:
            try:
                values = parse(decode_cursor(cursor, len(sort), field))
            except (TypeError, ValueError, OverflowError):
                raise _not_a_cursor(field) from None
            bound.update({f"{prefix}{i}": value for i, value in enumerate(values)})
    bounded = after is not None or before is not None

    def build() -> tuple[sa.Select, sa.Select]:
        built = statement() if callable(statement) else statement
        return _page_statements(built, model, sort, after is not None, before is not None, ascending, backward)

    shaped = ("page", model, shape, after is not None, before is not None, ascending, backward)
    page, count = build() if shape is None else built_once(shaped, build)
    found = await rows(session, page, {**bound, LIMIT: size + 1})
    records = [record_of(model, row) for row in found[:size]]
    if backward:
        records.reverse()
    if found:
        total = found[0][-1]
    else:  # past either end, or an empty list: the count alone
        total = (await rows(session, count, params))[0][0] if bounded else 0
    # Relay: the side the page was taken towards has more when the limit was exceeded; the side
    # it started from has more when it started at a cursor (that cursor's row, at least).
    more = len(found) > size
    return Page(
        rows=records,
        cursors=[encode_cursor(key(row)) for row in records],
        has_next=before is not None if backward else more,
        has_previous=more if backward else after is not None,
        total=total,
    )


async def paginate_by_id(
    session: AsyncSession,
    statement: sa.Select,
    model: Any,
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    last: int | None = None,
    before: str | None = None,
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
        last=last,
        before=before,
    )
