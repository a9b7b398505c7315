"""Column types shared by the tables."""

from datetime import UTC, datetime
from enum import Enum

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
