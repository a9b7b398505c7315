"""Engines and transactions for SQLite and PostgreSQL.

Lock order. Every write transaction takes its locks in this one order, so that no two writers can
each hold a lock the other waits for (a deadlock PostgreSQL resolves by aborting one of them):

1. the write lock: on PostgreSQL the transaction-scoped advisory lock `WRITE_LOCK`, taken by
   `write_transaction` right after BEGIN; on SQLite the database's own lock, taken by BEGIN IMMEDIATE;
2. the committee row (`resolvers.committees.committee_for_update`);
3. the proposal row (`resolvers.workflow.lock_and_lapse`, which also lapses it if its deadline passed);
4. the subject rows: methodology, designation, rule document, member, project, issuance,
   reference counter; then a registry's unit blocks, lowest serials first (`resolvers.unit_moves`);
5. inserts (history, positions, decisions, audit events), whose foreign keys take KEY SHARE
   locks on the rows above.

Every write appends to the one audit chain, and appends must be serialised anyway (each event
chains onto the previous one), so holding the write lock from BEGIN costs no concurrency: it only
moves the wait to the start, before any row lock is held. Rows lower in the list are then only
ever locked by the one writer holding step 1; the order of steps 2-5 still matters for anything
that locks rows outside `write_transaction` (nothing does today). A write that PostgreSQL aborts
anyway (deadlock, serialization failure) is run again by `api.mutations.base.mutate`.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

WRITE = "jcm_write"
# Any constant would do: it names the PostgreSQL advisory lock that serialises write transactions
# (and so appends to the audit chain).
WRITE_LOCK = 4_711_000_001
# PostgreSQL channel told of every committed write, so that other processes drop cached state.
CHANGED_CHANNEL = "jcm_changed"
# Connections the pool keeps open: 8 requests at once (the benchmark's concurrency) plus the one
# PostgreSQL LISTEN connection (resolvers/listener.py, held for the life of the process) and one
# for the short reads beside a request (the publication version, a token's lookup). Below that,
# every request past the fifth opened a connection and closed it on return (the pool's default 5).
POOL_SIZE = 10


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


def create_engine(
    url: str, schema: str | None = None, statement_timeout_ms: int = 0, pool_size: int = POOL_SIZE, **kwargs: Any
) -> AsyncEngine:
    """An async engine; on SQLite with foreign keys on and write transactions that lock at BEGIN.

    `schema` (PostgreSQL) puts the tables in that schema instead of the default one.
    `statement_timeout_ms` (PostgreSQL, 0 = none) has the server cancel any longer statement; the
    serving engine sets it, migrations and the CLI do not (they may rightly run long).
    `pool_size` connections are kept open once opened (see POOL_SIZE); up to 10 more are opened
    when all are busy, and closed again on return.
    """
    if "poolclass" not in kwargs and ":memory:" not in url:  # an in-memory SQLite has one connection
        kwargs.setdefault("pool_size", pool_size)
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


def dialect_name(session: AsyncSession) -> str:
    """The database the session talks to ("sqlite" or "postgresql"), without starting a transaction.

    `session.bind` is typed optional (a session may be unbound); ours never are, and get_bind() says so.
    """
    return session.get_bind().dialect.name


def new_session(engine: AsyncEngine) -> AsyncSession:
    # Objects outlive commits (the API renders them after the mutation committed).
    return AsyncSession(engine, expire_on_commit=False)


AUTOCOMMIT: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"}


def read_only_options(engine: AsyncEngine) -> dict[str, Any]:
    """Connection options for an operation that only reads.

    PostgreSQL at READ COMMITTED (its default) takes a fresh snapshot for every statement, inside a
    transaction or not, so a BEGIN ... ROLLBACK around reads changes no answer and costs two round
    trips: such reads run in autocommit (asyncpg then sends neither, and the pool's rollback on
    return has no transaction to end). At a stricter default level the transaction gives the reads
    one snapshot, so they keep it; so does a connection whose level is not known yet (the engine
    learns it on its first connection). SQLite keeps its BEGIN too: it is a call into the library,
    not a round trip, and gives the operation's reads one snapshot of the WAL.

    On return to the pool, SQLAlchemy sets the connection back to the default level by name, so a
    write on it later begins with `BEGIN ISOLATION LEVEL READ COMMITTED`: the level it had anyway.
    """
    dialect = engine.dialect
    if dialect.name == "postgresql" and getattr(dialect, "default_isolation_level", None) == "READ COMMITTED":
        return AUTOCOMMIT
    return {}


async def reading_only(session: AsyncSession, engine: AsyncEngine) -> AsyncSession:
    """`session`, before its first statement, on a connection that reads without a transaction where
    `read_only_options` allows it (otherwise unchanged)."""
    if options := read_only_options(engine):
        await session.connection(execution_options=options)
    return session


@asynccontextmanager
async def write_transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """One write transaction: commits on success, rolls back everything on any exception.

    It begins with the write lock held (step 1 of the lock order above): on SQLite by BEGIN
    IMMEDIATE, on PostgreSQL by the advisory lock `WRITE_LOCK`, released at commit or rollback.
    Rows that a rule reads before changing are then locked with FOR UPDATE by the caller, in the
    order above. Nothing leaves the transaction before it committed: what it announced (kept in
    `session.info`) is published by the after-commit hook of `resolvers.events`, and dropped when
    it rolls back.
    """
    if session.in_transaction():
        # End an earlier read snapshot so the write sees the latest committed state.
        await session.commit()
    connection = await session.connection(execution_options={WRITE: True})
    try:
        if connection.dialect.name == "postgresql":
            await session.exec(select(sa.func.pg_advisory_xact_lock(WRITE_LOCK)))
        yield session
        await notify(session, CHANGED_CHANNEL)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise


async def notify(session: AsyncSession, channel: str, payload: str = "") -> None:
    """On PostgreSQL, NOTIFY every listening process when the session's transaction commits (never
    if it rolls back). SQLite has no such thing: a no-op there."""
    if dialect_name(session) == "postgresql":
        await session.exec(select(sa.func.pg_notify(channel, payload)))


async def prewarm(engine: AsyncEngine, count: int) -> None:
    """Open `count` connections at once and hand them to the pool, so that the first requests after
    start-up find them open (a PostgreSQL connection costs a few round trips and a backend
    process), and the engine knows the server's default isolation level before the first query
    (models.db.read_only_options)."""
    opened = await asyncio.gather(*(engine.connect() for _ in range(count)), return_exceptions=True)
    for connection in opened:
        if not isinstance(connection, BaseException):
            await connection.close()
    failed = [error for error in opened if isinstance(error, BaseException)]
    if failed:
        raise failed[0]


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(sa.text("SELECT 1"))
