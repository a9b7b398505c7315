"""Column types shared by the tables."""

from datetime import UTC, datetime
from enum import Enum
from typing import Protocol

import sqlalchemy as sa

# The largest value of an `integer` column on PostgreSQL (ids, numbers): a larger one names no row,
# and sent to the database it fails in the driver.
MAX_INTEGER = 2**31 - 1


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC instant on every backend.

    SQLite keeps no offset, so values come back naive; this puts UTC back on them and refuses
    naive values on the way in, where they would silently mean local time.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum: type[Enum]) -> sa.Enum:
    """Enums are stored as short strings, not native PostgreSQL types, so adding a value is no
    schema migration of a type."""
    return sa.Enum(enum, native_enum=False, length=64, validate_strings=True)


class Keyed(Protocol):
    """A table row with an integer primary key `id`."""

    @property
    def id(self) -> int | None: ...


def saved_id(row: Keyed) -> int:
    """The primary key of a row that was loaded or flushed.

    Tables type `id` as `int | None` because a new row has none until its INSERT; code that holds a
    saved row says so with this, and a row that was never flushed fails loudly here instead of
    becoming a "null" id further on.
    """
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has no id yet: it was never flushed")
    return row.id
