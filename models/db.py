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


def create_engine(url: str, schema: str | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite with foreign keys on and write transactions that lock at BEGIN.

    `schema` (PostgreSQL) puts the tables in that schema instead of the default one.
    """
    connect_args = kwargs.setdefault("connect_args", {})
    if url.startswith("sqlite"):
        connect_args.setdefault("timeout", 30)
    elif schema:
        connect_args.setdefault("server_settings", {})["search_path"] = schema
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(engine):
        _configure_sqlite(engine)
    return engine


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
        await notify(session, CHANGED_CHANNEL)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise


async def notify(session: AsyncSession, channel: str, payload: str = "") -> None:
    """On PostgreSQL, NOTIFY every listening process when the session's transaction commits (never
    if it rolls back). SQLite has no such thing: a no-op there."""
    if session.bind.dialect.name == "postgresql":
        await session.exec(sa.select(sa.func.pg_notify(channel, payload)))


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(sa.text("SELECT 1"))
