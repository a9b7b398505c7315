"""Time limits: a query running longer than JCM_REQUEST_TIMEOUT_S, and (PostgreSQL) a statement
running longer than JCM_STATEMENT_TIMEOUT_MS, are answered with a clear TIMEOUT error."""

import asyncio
import logging
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

import resolvers.committees
from api.app import close_listeners, create_app
from api.settings import Settings
from models.db import create_engine
from tests.support.db import PG_URL, snapshot
from tests.support.http import app_with, http

COUNTRIES = "{ countries { code } }"
SCHEDULE = "mutation ($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { meeting { number } } }"
postgresql_only = pytest.mark.skipif(not PG_URL, reason="statement_timeout is PostgreSQL's")


def test_time_limits_are_on_by_default(monkeypatch):
    for name in ("JCM_STATEMENT_TIMEOUT_MS", "JCM_REQUEST_TIMEOUT_S"):
        monkeypatch.delenv(name, raising=False)

    assert (Settings().statement_timeout_ms, Settings().request_timeout_s) == (5_000, 10)


# --- the request time limit ---------------------------------------------------------------------


async def test_a_query_over_the_request_time_limit_answers_timeout(settings, engine, monkeypatch):
    # Given countries take 0.5 s to list, and a limit of 0.1 s
    finished: list[bool] = []
    list_countries = resolvers.committees.list_countries

    async def slow(session: AsyncSession) -> Any:
        await asyncio.sleep(0.5)
        rows = await list_countries(session)
        finished.append(True)
        return rows

    monkeypatch.setattr(resolvers.committees, "list_countries", slow)
    async with http(app_with(settings, engine, request_timeout_s=0.1)) as client:
        # When
        response = await client.post("/graphql", json={"query": COUNTRIES})

        # Then the client is told, with the limit
        assert response.status_code == 200
        assert response.json() == {
            "data": None,
            "errors": [
                {
                    "message": "The request took longer than 0.1 s, the limit for one request: "
                    "ask for fewer items with `first`, or split it.",
                    "extensions": {"code": "TIMEOUT", "limitSeconds": 0.1},
                }
            ],
        }
        # and the database call under way ran to its end before the answer: its connection went
        # back to the pool idle, and the next request is served
        assert finished == [True]
        monkeypatch.setattr(resolvers.committees, "list_countries", list_countries)
        assert len((await client.post("/graphql", json={"query": COUNTRIES})).json()["data"]["countries"]) == 31


async def test_the_request_time_limit_can_be_switched_off(settings, engine, monkeypatch):
    list_countries = resolvers.committees.list_countries

    async def slow(session: AsyncSession) -> Any:
        await asyncio.sleep(0.2)
        return await list_countries(session)

    monkeypatch.setattr(resolvers.committees, "list_countries", slow)
    async with http(app_with(settings, engine, request_timeout_s=0)) as client:
        response = await client.post("/graphql", json={"query": COUNTRIES})

    assert len(response.json()["data"]["countries"]) == 31


# --- the statement timeout (PostgreSQL) ---------------------------------------------------------


async def sleep_in_the_database(session: AsyncSession) -> Any:
    connection = await session.connection()
    await connection.execute(sa.text("SELECT pg_sleep(2)"))


@postgresql_only
async def test_a_statement_over_the_statement_timeout_answers_timeout(settings, database, monkeypatch, caplog):
    # Given an API whose statements may run 50 ms, and countries that take 2 s in the database
    engine = database.engine(statement_timeout_ms=50)
    monkeypatch.setattr(resolvers.committees, "list_countries", sleep_in_the_database)
    try:
        async with http(app_with(settings, engine, statement_timeout_ms=50)) as client:
            # When
            with caplog.at_level(logging.WARNING, logger="jcm.api"):
                response = await client.post("/graphql", json={"query": COUNTRIES})
    finally:
        await engine.dispose()

    # Then a clear error naming the limit, not a masked internal error
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "The request took longer than 50 ms in one database statement, the limit for one statement: "
                "ask for fewer items with `first`, or try again later.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["countries"],
                "extensions": {"code": "TIMEOUT", "limitMilliseconds": 50},
            }
        ],
    }
    assert [r for r in caplog.records if r.name == "jcm.api"] == []


@postgresql_only
async def test_only_the_serving_engine_has_a_statement_timeout(database):
    async def statement_timeout(engine) -> str:
        async with engine.connect() as connection:
            return (await connection.execute(sa.text("SHOW statement_timeout"))).scalar_one()

    # The app's own engine takes JCM_STATEMENT_TIMEOUT_MS
    app = create_app(Settings(database_url=database.url, database_schema=database.schema, statement_timeout_ms=1234))
    served = await statement_timeout(app.state.engine)
    await close_listeners(app)
    await app.state.engine.dispose()
    # Migrations and the CLI open theirs without: they may rightly run long
    plain = create_engine(database.url, database.schema)
    unlimited = await statement_timeout(plain)
    await plain.dispose()

    assert (served, unlimited) == ("1234ms", "0")


@postgresql_only
async def test_a_mutation_over_the_statement_timeout_answers_timeout_and_writes_nothing(settings, database, tokens):
    # Given an API whose statements may run 50 ms, and a commit that has to wait 2 s: the write
    # transaction's notification to other processes sleeps first
    engine = database.engine(statement_timeout_ms=50)
    token = await tokens.secretariat()

    def slow_notify(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> Any:
        return statement.replace("SELECT pg_notify(", "SELECT pg_sleep(2), pg_notify("), parameters

    sa.event.listen(engine.sync_engine, "before_cursor_execute", slow_notify, retval=True)
    before = await snapshot(engine, "meeting", "audit_event")
    try:
        async with http(app_with(settings, engine, statement_timeout_ms=50)) as client:
            # When a meeting is scheduled
            response = await client.post(
                "/graphql",
                json={"query": SCHEDULE, "variables": {"input": {"committeeCode": "VN", "heldOn": "2026-12-10"}}},
                headers={"Authorization": f"Bearer {token}"},
            )
        sa.event.remove(engine.sync_engine, "before_cursor_execute", slow_notify)
        after = await snapshot(engine, "meeting", "audit_event")
    finally:
        await engine.dispose()

    # Then the client is told, and the meeting was rolled back with its audit event
    body = response.json()
    assert body["data"] is None
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["scheduleMeeting"], {"code": "TIMEOUT", "limitMilliseconds": 50})
    ]
    assert after == before


@postgresql_only
async def test_an_export_whose_first_page_runs_over_the_statement_timeout_answers_503(
    settings, database, engine, monkeypatch
):
    # Given an API whose statements may run 50 ms on a database with its tables (`engine`: an export
    # reads the publication version for its ETag first), and a decisions export that takes 2 s
    import dataclasses

    import api.exports

    async def slow_rows(session: AsyncSession, filters: dict[str, Any], after: str | None) -> Any:
        await sleep_in_the_database(session)
        return [], None

    monkeypatch.setitem(
        api.exports.EXPORTS, "decisions", dataclasses.replace(api.exports.EXPORTS["decisions"], rows=slow_rows)
    )
    engine = database.engine(statement_timeout_ms=50)
    try:
        async with http(app_with(settings, engine, statement_timeout_ms=50)) as client:
            # When
            response = await client.get("/exports/decisions.csv")
    finally:
        await engine.dispose()

    # Then a clear, retryable answer naming the limit, not a 500
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["errors"][0]["extensions"] == {"code": "TIMEOUT", "limitMilliseconds": 50}
