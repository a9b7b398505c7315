"""/readyz says whether this process can serve (database; on PostgreSQL the LISTEN connection) and
which part is down; /version what code runs and whether its database was migrated."""

import socket
from importlib.metadata import version

import pytest
from alembic.script import ScriptDirectory

from api.app import close_listeners, create_app
from models.db import create_engine, is_sqlite
from models.migrations import config, upgrade_on
from resolvers.listener import Listener
from tests.support.http import http


def unreachable_database_url() -> str:
    """A PostgreSQL URL on a local port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+asyncpg://nobody@127.0.0.1:{port}/nothing"


async def test_a_process_with_its_database_is_ready(client, engine):
    response = await client.get("/readyz")

    assert response.status_code == 200
    expected = {"status": "ready", "database": "reachable"}
    if not is_sqlite(engine):  # PostgreSQL: the LISTEN connection is opened by the probe if need be
        expected["listener"] = "connected"
    assert response.json() == expected


async def test_a_process_without_its_database_is_not_ready_and_says_why(settings, caplog):
    # Given an app whose PostgreSQL is down
    engine = create_engine(unreachable_database_url())
    app = create_app(settings, engine=engine)
    try:
        async with http(app) as client:
            response = await client.get("/readyz")
            alive = await client.get("/version")
    finally:
        await close_listeners(app)
        await engine.dispose()

    # Then it is not ready, naming both parts; it still says what it runs
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "listener": "disconnected"}
    assert alive.status_code == 200
    assert alive.json()["databaseRevision"] is None
    assert not [record for record in caplog.records if record.exc_info]  # a probe logs one line, no traceback


async def test_a_lost_listener_makes_a_postgresql_process_unready(client, engine, monkeypatch):
    if is_sqlite(engine):
        pytest.skip("SQLite has no LISTEN connection")

    # Given a LISTEN connection that cannot be opened
    async def refused(self: Listener) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(Listener, "_connect", refused)

    # When
    response = await client.get("/readyz")

    # Then
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "reachable", "listener": "disconnected"}


async def test_version_names_the_package_and_the_migrations_of_code_and_database(database, settings):
    # Given a database migrated to head
    engine = database.engine()
    async with engine.connect() as connection:
        await connection.run_sync(upgrade_on)
        await connection.commit()
    app = create_app(settings, engine=engine)
    try:
        async with http(app) as client:
            response = await client.get("/version")
    finally:
        await close_listeners(app)
        await engine.dispose()

    head = ScriptDirectory.from_config(config("")).get_current_head()
    body = response.json()
    assert response.status_code == 200
    assert body["version"] == version("jcm-joint-committee-api")
    assert (body["migrationHead"], body["databaseRevision"]) == (head, head)
    assert body["commit"] is None or len(body["commit"]) == 40
