"""A fresh, seeded database for every test: a temporary SQLite file by default, a fresh schema
of the PostgreSQL database named by JCM_TEST_DATABASE_URL when it is set."""

import asyncio
import functools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateIndex, CreateTable

import models
from api.app import close_listeners, create_app
from api.settings import Settings
from models import clock, search_index
from models.db import create_engine, new_session
from models.enums import Role
from resolvers.tokens import create_token
from seed.loader import load

PG_URL = os.environ.get("JCM_TEST_DATABASE_URL")


@functools.cache
def _postgres_ddl() -> str:
    """Every CREATE of the models as one script: one round trip instead of one per statement."""
    dialect = postgresql.asyncpg.dialect()
    statements = []
    for table in models.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
        if table.name in search_index.SEARCHED:  # what metadata's after_create would add
            statements += search_index.statements(table.name, "postgresql")
    return ";\n".join(statements)


async def _create_seeded(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            raw = await connection.get_raw_connection()
            await raw.driver_connection.execute(_postgres_ddl())
        else:
            await connection.run_sync(models.metadata.create_all)
    async with new_session(engine) as session:
        await load(session)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Built once per run; each test gets a copy of the file, which is faster than seeding again."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await _create_seeded(engine)
        await engine.dispose()

    asyncio.run(build())
    return path


class Database:
    """Where a test's database lives, to open more engines on it (parallel connections, CLI runs)."""

    def __init__(self, url: str, schema: str | None = None):
        self.url, self.schema = url, schema

    def engine(self, **kwargs: Any) -> AsyncEngine:
        return create_engine(self.url, self.schema, **kwargs)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database (no tables); `engine` fills it."""
    if not PG_URL:
        yield Database(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    async with admin.begin() as connection:
        await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Database(PG_URL, schema)
    finally:
        async with admin.begin() as connection:
            await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def engine(database: Database, sqlite_template: Path | None) -> AsyncIterator[AsyncEngine]:
    """The test's seeded database."""
    if sqlite_template is not None:
        shutil.copy(sqlite_template, database.url.split("///", 1)[1])
        engine = database.engine()
    else:
        engine = database.engine()
        await _create_seeded(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def settings(database: Database) -> Settings:
    return Settings(database_url=database.url, database_schema=database.schema)


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http
    await close_listeners(app)


class GraphQLClient:
    """Posts GraphQL documents the way a real client does, with or without a bearer token."""

    def __init__(self, http: httpx.AsyncClient):
        self.http = http

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The `data` of a successful response; fails the test on any GraphQL error."""
        response = await self.raw(query, variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


class Tokens:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def issue(self, role: Role, country: str | None = None, name: str | None = None) -> str:
        async with new_session(self.engine) as session:
            issued = await create_token(
                session, role=role, country_code=country, name=name or f"{role.value.title()} {country or ''}".strip()
            )
        return issued.secret

    async def secretariat(self) -> str:
        return await self.issue(Role.SECRETARIAT, name="JCMA Secretariat")

    async def japan(self) -> str:
        return await self.issue(Role.JAPAN, name="MOEJ")

    async def partner(self, country: str) -> str:
        return await self.issue(Role.PARTNER, country, name=f"Authority of {country}")


@pytest.fixture
def tokens(engine: AsyncEngine) -> Tokens:
    return Tokens(engine)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[Any]:
    """In every test, time stands at 2026-11-28 09:00 UTC until the test moves it with `.set(...)`,
    so that dates in tests never drift into the past."""

    class Frozen:
        at = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

        def set(self, at: datetime) -> None:
            self.at = at

    frozen = Frozen()
    clock.set_clock(lambda: frozen.at)
    yield frozen
    clock.set_clock(None)


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


class LiveServer:
    def __init__(self, port: int):
        self.http_url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}/graphql"


@pytest.fixture
async def live_server(settings: Settings, engine: AsyncEngine) -> AsyncIterator[LiveServer]:
    """The app under a real uvicorn on a free loopback port, in this test's event loop."""
    import uvicorn

    app = create_app(settings, engine=engine)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, ws="websockets-sansio", lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield LiveServer(port)
    server.should_exit = True
    await task
    await close_listeners(app)
