"""Engines and transactions for SQLite and PostgreSQL.

Lock order. Every write transaction takes its locks in this one order, so that no two writers can
each hold a lock the other waits for (a deadlock PostgreSQL resolves by aborting one of them):

1. the write lock: on PostgreSQL the transaction-scoped advisory lock `WRITE_LOCK`, taken by
   `write_transaction` right after BEGIN; on SQLite the database's own lock, taken by BEGIN IMMEDIATE;
2. the committee row (`resolvers.committees.committee_for_update`);
3. the proposal row (`resolvers.workflow.load_for_update`);
4. the subject rows: methodology, designation, rule document, member, reference counter;
5. inserts (history, positions, decisions, audit events), whose foreign keys take KEY SHARE
   locks on the rows above.

Every write appends to the one audit chain, and appends must be serialised anyway (each event
chains onto the previous one), so holding the write lock from BEGIN costs no concurrency: it only
moves the wait to the start, before any row lock is held. Rows lower in the list are then only
ever locked by the one writer holding step 1; the order of steps 2-5 still matters for anything
that locks rows outside `write_transaction` (nothing does today). A write that PostgreSQL aborts
anyway (deadlock, serialization failure) is run again by `api.mutations.base.mutate`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

WRITE = "jcm_write"
# Any constant would do: it names the PostgreSQL advisory lock that serialises write transactions
# (and so appends to the audit chain).
WRITE_LOCK = 4_711_000_001
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

    It begins with the write lock held (step 1 of the lock order above): on SQLite by BEGIN
    IMMEDIATE, on PostgreSQL by the advisory lock `WRITE_LOCK`, released at commit or rollback.
    Rows that a rule reads before changing are then locked with FOR UPDATE by the caller, in the
    order above.
    """
    if session.in_transaction():
        # End an earlier read snapshot so the write sees the latest committed state.
        await session.commit()
    connection = await session.connection(execution_options={WRITE: True})
    try:
        if connection.dialect.name == "postgresql":
            await session.exec(sa.select(sa.func.pg_advisory_xact_lock(WRITE_LOCK)))
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
