"""Where a test's database lives, and what a test reads of it directly (rows, statements)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import create_engine, is_sqlite

PG_URL = os.environ.get("JCM_TEST_DATABASE_URL")


def without_fsync(engine: AsyncEngine) -> AsyncEngine:
    """A test's SQLite database is thrown away after the test, so its commits need not wait for the
    disk: `PRAGMA synchronous=OFF` on each connection halves the time of write-heavy tests. Locking
    and transactions are unchanged; only durability across a power cut is given up."""
    if is_sqlite(engine):

        @event.listens_for(engine.sync_engine, "connect")
        def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

    return engine


class Database:
    """Where a test's database lives, to open more engines on it (parallel connections, CLI runs)."""

    def __init__(self, url: str, schema: str | None = None):
        self.url, self.schema = url, schema

    def engine(self, **kwargs: Any) -> AsyncEngine:
        return without_fsync(create_engine(self.url, self.schema, **kwargs))


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter()

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", on_execute)


async def snapshot(engine: AsyncEngine, *tables: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the named tables, to show that a refused mutation left no trace."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as connection:
        for table in tables:
            rows = (await connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))).all()
            result[table] = [tuple(row) for row in rows]
    return result
