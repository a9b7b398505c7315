"""Where a test's database lives, and what a test reads of it directly (rows, statements)."""

import copy
import os
import shutil
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
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


class Prebuilt:
    """Starting states built once per run and copied into each test that asks for them (SQLite).

    Parametrized tests often begin with the same large state (a register of decisions, a catalogue
    of designations). The first test to ask builds it in its own database, as before; the file is
    then kept, with the builder's result and the clock it left, and every later test asking for
    the same builder (and key) gets a copy of that file instead of building it again. Ask before
    the test's first request, while no connection is open. On PostgreSQL the builder simply runs.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.states: dict[str, tuple[Path, Any, Any]] = {}

    async def get(
        self,
        engine: AsyncEngine,
        database: Database,
        frozen_clock: Any,
        builder: Callable[..., Awaitable[Any]],
        args: tuple[Any, ...],
        key: str,
    ) -> Any:
        if not is_sqlite(engine):
            return await builder(*args)
        # The clock is part of the state: a builder may date what it makes by it.
        name = f"{builder.__module__}.{builder.__qualname__}:{key}@{frozen_clock.at.isoformat()}"
        path = Path(database.url.split("///", 1)[1])
        if name in self.states:
            saved, result, at = self.states[name]
            await engine.dispose()
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(saved, path)
            frozen_clock.set(at)
            return copy.deepcopy(result)
        result = await builder(*args)
        async with engine.connect() as connection:  # everything into the database file itself
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await engine.dispose()
        saved = self.directory / f"state-{len(self.states)}.db"
        shutil.copyfile(path, saved)
        self.states[name] = (saved, copy.deepcopy(result), frozen_clock.at)
        return result
