"""The benchmark's databases: a SQLite file, or a PostgreSQL database of its own, created on the
same server when missing and filled with the seed and the bulk register when empty; and what the
benchmark reads from them beside the measured server (a deep cursor, statement counts)."""

import asyncio
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from models.db import create_engine, new_session


async def build_database(url: str, decisions: int) -> None:
    from models.migrations import upgrade
    from seed import bulk
    from seed.loader import load

    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    try:
        async with new_session(engine) as session:
            await load(session)
        await bulk.build(engine, decisions)
        if engine.dialect.name == "postgresql":
            # A served database has been vacuumed by autovacuum since its rows arrived: its
            # visibility map lets counts read indexes alone. Measured right after COPY it has not,
            # and the home page's per-committee counts took 75 ms instead of 27 (100,000 decisions).
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        await engine.dispose()


async def prepare_postgresql(url: str, rebuild: bool) -> bool:
    """Create the database if missing (dropping it first on `rebuild`); True when it needs building.

    Dropping is refused unless the name says it is a benchmark's (it contains "bench"): the same
    server also holds the test database and perhaps real ones.
    """
    import asyncpg  # type: ignore[import-untyped]  # it ships no type hints

    parsed = sa.engine.make_url(url)
    name = parsed.database
    if not name:
        raise SystemExit("--database-url must name a database, such as …/jcm_bench")
    server = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password, database="postgres"
    )
    try:
        exists = await server.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and rebuild:
            if "bench" not in name:
                raise SystemExit(
                    f"--rebuild drops the database; {name!r} does not look like a benchmark's (no 'bench')"
                )
            await server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            await server.execute(f'CREATE DATABASE "{name}"')
            return True
    finally:
        await server.close()
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            if (await connection.scalar(sa.text("SELECT to_regclass('decision')"))) is None:
                return True
            return not await connection.scalar(sa.text("SELECT EXISTS (SELECT 1 FROM decision)"))
    finally:
        await engine.dispose()


async def count_statements(url: str, page: str, headers: dict[str, str]) -> tuple[int, int, int]:
    """SQL statements for the page query with first: 100 and with first: 1, and the transaction
    control (begin, commit, rollback) around the latter, counted in-process on the same database."""
    import httpx

    from api.app import create_app
    from api.settings import Settings

    engine = create_engine(url)
    counted: list[str] = []
    sa.event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: counted.append(a[2]))

    def control(name: str) -> Callable[[sa.Connection], None]:
        def listen(connection: sa.Connection) -> None:
            # in autocommit the driver sends no BEGIN, COMMIT or ROLLBACK, though SQLAlchemy still says so
            if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                counted.append(name)

        return listen

    for name in ("begin", "commit", "rollback"):
        sa.event.listen(engine.sync_engine, name, control(name))
    app = create_app(Settings(database_url=url), engine=engine)
    statements, transactions = [], 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for first in (100, 1):
            counted.clear()
            payload = {"query": page, "variables": {"first": first}}
            (await client.post("/graphql", json=payload, headers=headers)).raise_for_status()
            # BEGIN on SQLite is sent by this project's begin listener: transaction control, not a query.
            transactions = sum(1 for s in counted if s in ("begin", "commit", "rollback"))
            statements.append(sum(1 for s in counted if s not in ("begin", "commit", "rollback", "BEGIN")))
    await engine.dispose()
    return statements[0], statements[1], transactions


async def deep_cursor(url: str, offset: int) -> str:
    from resolvers.pagination import encode_cursor

    engine = create_engine(url)
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                sa.text("SELECT decided_on, id FROM decision ORDER BY decided_on DESC, id DESC LIMIT 1 OFFSET :offset"),
                {"offset": offset - 1},
            )
        ).one()
    await engine.dispose()
    decided_on = row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))
    return encode_cursor([decided_on.isoformat(), row[1]])
