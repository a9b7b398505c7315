"""Engines and transactions for SQLite and PostgreSQL."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

WRITE = "jcm_write"
# PostgreSQL channel told of every committed write, so that other processes drop cached state.
CHANGED_CHANNEL = "jcm_changed"


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


class StatementTimeout(Exception):
    """PostgreSQL cancelled a statement that ran longer than the engine's statement timeout."""

    def __init__(self, timeout_ms: int):
        super().__init__(
            f"The request took longer than {timeout_ms} ms in one database statement, the limit for one statement: "
            "ask for fewer items with `first`, or try again later."
        )
        self.extensions = {"code": "TIMEOUT", "limitMilliseconds": timeout_ms}


def create_engine(url: str, schema: str | None = None, statement_timeout_ms: int = 0, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite with foreign keys on and write transactions that lock at BEGIN.

    `schema` (PostgreSQL) puts the tables in that schema instead of the default one.
    `statement_timeout_ms` (PostgreSQL, 0 = none) has the server cancel any longer statement; the
    serving engine sets it, migrations and the CLI do not (they may rightly run long).
    """
    connect_args = kwargs.setdefault("connect_args", {})
    if url.startswith("sqlite"):
        connect_args.setdefault("timeout", 30)
    else:
        server_settings = connect_args.setdefault("server_settings", {})
        if schema:
            server_settings["search_path"] = schema
        if statement_timeout_ms:
            server_settings["statement_timeout"] = str(statement_timeout_ms)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(engine):
        _configure_sqlite(engine)
    elif statement_timeout_ms:
        _report_statement_timeouts(engine, statement_timeout_ms)
    return engine


def _report_statement_timeouts(engine: AsyncEngine, timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: Any) -> None:
        # SQLSTATE 57014 query_canceled: a clear error naming the limit, not an internal one.
        if getattr(context.original_exception, "sqlstate", None) == "57014":
            raise StatementTimeout(timeout_ms) from context.original_exception


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, not the driver, so a write
        # transaction can take the lock up front (BEGIN IMMEDIATE) instead of failing to
        # upgrade a read lock when two writers meet.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def new_session(engine: AsyncEngine) -> AsyncSession:
    # Objects outlive commits (the API renders them after the mutation committed).
    return AsyncSession(engine, expire_on_commit=False)


@asynccontextmanager
async def write_transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """One write transaction: commits on success, rolls back everything on any exception.

    On SQLite it begins with the database's write lock held; on PostgreSQL rows that a rule reads
    before changing are locked with FOR UPDATE by the caller.
    """
    if session.in_transaction():
        # End an earlier read snapshot so the write sees the latest committed state.
        await session.commit()
    await session.connection(execution_options={WRITE: True})
    try:
        yield session
        if session.bind.dialect.name == "postgresql":
            await session.exec(sa.select(sa.func.pg_notify(CHANGED_CHANNEL, "")))
        await session.commit()
    except BaseException:
        await session.rollback()
        raise


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(sa.text("SELECT 1"))
