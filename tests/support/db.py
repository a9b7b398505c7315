"""Where a test's database lives, and what a test reads of it directly (rows, statements)."""

import copy
import os
import shutil
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

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


class PostgresDatabases:
    """A database of its own for every test on PostgreSQL, cloned from templates built once per run.

    Creating a schema, its tables and the seed for each test took 0.35 s and dropping it 0.09 s:
    over half of the PostgreSQL pass. `CREATE DATABASE ... TEMPLATE` (WAL_LOG) copies a seeded
    database in about 35 ms and `DROP DATABASE` takes 13 ms. The tables live in the schema `jcm`
    of each database, so the schema setting the service supports stays exercised on PostgreSQL.
    Two templates: `seeded` (tables and seed, for tests using `engine`) and `empty` (only the
    schema, for tests that create the tables themselves: migrations). Names carry a per-run id so
    that runs side by side on one server do not meet.
    """

    SCHEMA = "jcm"

    def __init__(self, url: str):
        self.url = sa.make_url(url)
        self.run = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.admin = create_async_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def name(self, kind: str) -> str:
        return f"jcm_{self.run}_{kind}"

    def database(self, name: str) -> Database:
        return Database(self.url.set(database=name).render_as_string(hide_password=False), self.SCHEMA)

    async def _execute(self, *statements: str) -> None:
        async with self.admin.connect() as connection:
            for statement in statements:
                await connection.exec_driver_sql(statement)

    async def drop_abandoned(self) -> None:
        """Drop the databases of earlier runs whose process is gone (killed before its teardown):
        names start jcm_<pid>_, and a run on this machine whose pid still lives is left alone."""
        async with self.admin.connect() as connection:
            names = (
                await connection.exec_driver_sql("SELECT datname FROM pg_database WHERE datname LIKE 'jcm\\_%'")
            ).scalars()
            abandoned = [name for name in names if not _alive(name.split("_")[1])]
        await self._execute(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in abandoned))

    async def build_templates(self, seed: Callable[[AsyncEngine], Awaitable[None]]) -> None:
        await self.drop_abandoned()
        for kind in ("empty", "seeded"):
            await self._execute(f'CREATE DATABASE "{self.name(kind)}"')
            template = self.database(self.name(kind))
            engine = create_engine(template.url)
            async with engine.begin() as connection:
                await connection.exec_driver_sql(f'CREATE SCHEMA "{self.SCHEMA}"')
            await engine.dispose()
            if kind == "seeded":
                engine = create_engine(template.url, self.SCHEMA)
                await seed(engine)
                await engine.dispose()

    async def clone(self, seeded: bool) -> Database:
        name = self.name(f"t{uuid.uuid4().hex[:12]}")
        template = self.name("seeded" if seeded else "empty")
        await self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY WAL_LOG')
        return self.database(name)

    async def drop(self, database: Database) -> None:
        name = sa.make_url(database.url).database
        await self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def drop_templates(self) -> None:
        await self._execute(*(f'DROP DATABASE IF EXISTS "{self.name(kind)}"' for kind in ("empty", "seeded")))
        await self.admin.dispose()


def _alive(pid: str) -> bool:
    """Whether the process `pid` (a test run on this machine) still runs; not a pid: assume so."""
    if not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
