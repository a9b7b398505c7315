"""A fresh, seeded database for every test: a temporary SQLite file by default, a fresh schema
of the PostgreSQL database named by JCM_TEST_DATABASE_URL when it is set; the app over HTTP; and
the drivers that build a test's starting state (`flow`, `tpe_flow`, `methodology_flow`, see
tests/support/)."""

import asyncio
import functools
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateIndex, CreateTable

import api.app
import models
from api.app import close_listeners, create_app
from api.schema import build_schema
from api.settings import Settings
from models import clock, search_index
from models.db import create_engine, new_session, prewarm
from seed.loader import load
from tests.support.db import PG_URL, Database, PostgresDatabases, Prebuilt, without_fsync
from tests.support.graphql import GraphQLClient
from tests.support.methodologies import Methodologies
from tests.support.projects import ProjectSteps
from tests.support.rules import Rules
from tests.support.tokens import Tokens
from tests.support.tpes import TpeSteps
from tests.support.workflow import Workflow


@functools.cache
def _postgres_ddl() -> str:
    """Every CREATE of the models as one script: one round trip instead of one per statement."""
    dialect = postgresql.asyncpg.dialect()
    statements = []
    for table in models.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
        if table.name in search_index.INDEXED:  # what metadata's after_create would add
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


@pytest.fixture(scope="session", autouse=True)
def one_schema_per_settings() -> Iterator[None]:
    """Each app builds its strawberry schema (0.13 s, a fifth of an average test); a process
    serving builds it once. The tests build it once per distinct settings: the schema reads only
    its limits and switches from the settings, never the database it runs on, which differs per
    test (so that is left out of the key and out of the settings the schema is built with)."""
    built: dict[str, strawberry.Schema] = {}

    def build_once(settings: Settings) -> strawberry.Schema:
        neutral = settings.model_copy(update={"database_url": "", "database_schema": None})
        key = neutral.model_dump_json()
        if key not in built:
            built[key] = build_schema(neutral)
        return built[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api.app, "build_schema", build_once)
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Built once per run; each test gets a copy of the file, which is faster than seeding again."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = without_fsync(create_engine(f"sqlite+aiosqlite:///{path}"))
        await _create_seeded(engine)
        await engine.dispose()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    """On PostgreSQL, the per-run templates each test's database is cloned from."""
    if not PG_URL:
        yield None
        return
    databases = PostgresDatabases(PG_URL)
    asyncio.run(databases.build_templates(_create_seeded))
    try:
        yield databases
    finally:
        asyncio.run(databases.drop_templates())


@pytest.fixture
async def database(
    tmp_path: Path, request: pytest.FixtureRequest, postgres_databases: PostgresDatabases | None
) -> AsyncIterator[Database]:
    """An empty database (no tables) unless the test uses `engine`, which then finds it seeded.
    On PostgreSQL a database of its own, cloned from a template (see PostgresDatabases)."""
    if postgres_databases is None:
        yield Database(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        return
    database = await postgres_databases.clone(seeded="engine" in request.fixturenames)
    try:
        yield database
    finally:
        await postgres_databases.drop(database)


@pytest.fixture
async def engine(database: Database, sqlite_template: Path | None) -> AsyncIterator[AsyncEngine]:
    """The test's seeded database."""
    if sqlite_template is not None:
        shutil.copy(sqlite_template, database.url.split("///", 1)[1])
    engine = database.engine()
    # One connection first, as the serving app's start-up does (models.db.prewarm): the engine then
    # knows the server's isolation level before the test's first query (models.db.read_only_options).
    await prewarm(engine, 1)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def prebuilt_states(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    return Prebuilt(tmp_path_factory.mktemp("states"))


@pytest.fixture
def prebuilt(prebuilt_states: Prebuilt, engine: AsyncEngine, database: Database, frozen_clock: Any) -> Any:
    """`await prebuilt(builder, *args, key="")`: `builder(*args)`'s state, built once per run and
    copied into this test's database (see tests/support/db.py, Prebuilt)."""

    async def build(builder: Any, *args: Any, key: str = "") -> Any:
        return await prebuilt_states.get(engine, database, frozen_clock, builder, args, key)

    return build


@pytest.fixture
def settings(database: Database) -> Settings:
    return Settings(database_url=database.url, database_schema=database.schema)


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http
    await close_listeners(app)


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
def tokens(engine: AsyncEngine) -> Tokens:
    return Tokens(engine)


@pytest.fixture
def flow(gql: GraphQLClient, tokens: Tokens, engine: AsyncEngine) -> Workflow:
    """Proposals built through the resolvers; actions over HTTP (tests/support/workflow.py)."""
    return Workflow(gql, tokens, engine)


@pytest.fixture
def tpe_flow(gql: GraphQLClient, tokens: Tokens, engine: AsyncEngine) -> TpeSteps:
    """`flow` with third-party entities and designations."""
    return TpeSteps(gql, tokens, engine)


@pytest.fixture
def rules(gql: GraphQLClient, tokens: Tokens, engine: AsyncEngine) -> Rules:
    """`flow` with rule versions."""
    return Rules(gql, tokens, engine)


@pytest.fixture
def methodology_flow(gql: GraphQLClient, tokens: Tokens, engine: AsyncEngine) -> Methodologies:
    """`flow` with methodologies."""
    return Methodologies(gql, tokens, engine)


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


@pytest.fixture
def projects(gql: GraphQLClient, tokens: Tokens, engine: AsyncEngine) -> ProjectSteps:
    """`flow` with methodologies, entities, projects and issuances (tests/support/projects.py)."""
    return ProjectSteps(gql, tokens, engine)
