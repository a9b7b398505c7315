"""Decisions reach subscribers of every worker: on PostgreSQL through NOTIFY, sent at commit, heard on a
LISTEN connection that is reopened when lost."""

import asyncio
import logging
from datetime import date

import httpx
import pytest
import sqlalchemy as sa

from api.app import close_listeners, create_app
from api.settings import Settings
from models.db import create_engine, new_session, write_transaction
from models.enums import Role
from models.principal import Principal
from resolvers.meetings import schedule_meeting
from resolvers.events import DecisionBroker, DecisionTaken, announce
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="cross-process fan-out is PostgreSQL's NOTIFY")


async def test_a_decision_committed_by_one_worker_reaches_the_subscribers_of_another(database, engine):
    # Given a second worker with its own connection pool and broker, and a subscriber there
    other_engine = database.engine()
    other_worker = DecisionBroker(other_engine)
    try:
        async with other_worker.subscribe() as queue:
            # When this worker commits a transaction that announces a decision
            async with new_session(engine) as session, write_transaction(session):
                await announce(session, DecisionTaken(41, "VN"))

            # Then the other worker's subscriber receives it
            assert await asyncio.wait_for(queue.get(), timeout=5) == DecisionTaken(41, "VN")
    finally:
        await other_worker.aclose()
        await other_engine.dispose()


async def test_a_decision_rolled_back_is_never_announced(database, engine):
    other_engine = database.engine()
    other_worker = DecisionBroker(other_engine)
    try:
        async with other_worker.subscribe() as queue:
            # Given an announcement in a transaction that fails
            with pytest.raises(RuntimeError):
                async with new_session(engine) as session, write_transaction(session):
                    await announce(session, DecisionTaken(7, "ID"))
                    raise RuntimeError("the deciding transaction failed")
            # and one that commits afterwards
            async with new_session(engine) as session, write_transaction(session):
                await announce(session, DecisionTaken(8, "ID"))

            # Then only the committed one arrives
            assert await asyncio.wait_for(queue.get(), timeout=5) == DecisionTaken(8, "ID")
            assert queue.empty()
    finally:
        await other_worker.aclose()
        await other_engine.dispose()


MEETINGS = '{ committee(code: "VN") { meetings { number heldOn } } }'


async def test_a_terminated_listen_connection_is_reopened_and_nothing_stays_stale(database, engine, caplog):
    caplog.set_level(logging.INFO, logger="jcm.listener")
    # Given a worker whose public answer was tagged, and a subscriber of its decisions
    app = create_app(Settings(database_url=database.url, database_schema=database.schema), engine=engine)
    other_worker = database.engine()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http, \
                app.state.broker.subscribe() as queue:
            seen = await http.get("/graphql", params={"query": MEETINGS})
            listener = app.state.listener

            # When PostgreSQL terminates the worker's LISTEN backend (as a restart or an operator would)
            async with other_worker.connect() as connection:
                pid = await listener.backend_pid()
                await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            # and another worker commits a meeting at once, its NOTIFY going nowhere
            async with new_session(other_worker) as session:
                await schedule_meeting(session, Principal(Role.SECRETARIAT, name="JCMA"), committee_code="VN",
                                       held_on=date(2026, 12, 15))
            for _ in range(1000):  # bounded: the reconnect takes ~0.1 s
                if listener.reconnects:
                    break
                await asyncio.sleep(0.01)

            # Then the old tag is stale: the meeting is served
            after = await http.get("/graphql", params={"query": MEETINGS}, headers={"If-None-Match": seen.headers["etag"]})
            assert after.status_code == 200
            assert after.json() == {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}

            # and decisions reach the subscriber again, over a new connection
            assert await listener.backend_pid() != pid
            async with new_session(other_worker) as session, write_transaction(session):
                await announce(session, DecisionTaken(42, "VN"))
            assert await asyncio.wait_for(queue.get(), timeout=5) == DecisionTaken(42, "VN")
    finally:
        await close_listeners(app)
        await other_worker.dispose()

    # And the operator can read what happened in the log
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "jcm.listener"] == [
        ("WARNING", "the LISTEN connection was lost; reconnecting (notifications until then are missed)"),
        ("INFO", "the LISTEN connection is back after 0 failed attempt(s)"),
    ]


async def test_while_the_listen_connection_cannot_be_reopened_answers_stay_fresh_and_it_keeps_trying(
    database, engine, caplog
):
    caplog.set_level(logging.INFO, logger="jcm.listener")
    # Given a worker whose public answer was tagged, and a subscriber of its decisions
    app = create_app(Settings(database_url=database.url, database_schema=database.schema), engine=engine)
    other_worker = database.engine()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http, \
                app.state.broker.subscribe() as queue:
            seen = await http.get("/graphql", params={"query": MEETINGS})
            listener = app.state.listener

            # When its LISTEN backend is terminated while the database cannot be reached for listening
            listener.engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/unreachable")
            async with other_worker.connect() as connection:
                await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": await listener.backend_pid()})
            for _ in range(1000):  # bounded: until a few reconnect attempts failed
                if sum("reconnect attempt" in r.getMessage() for r in caplog.records) >= 3:
                    break
                await asyncio.sleep(0.01)
            # and another worker commits a meeting meanwhile
            async with new_session(other_worker) as session:
                await schedule_meeting(session, Principal(Role.SECRETARIAT, name="JCMA"), committee_code="VN",
                                       held_on=date(2026, 12, 15))

            # Then, still deaf to NOTIFY, the worker does not answer the old tag with a stale 304
            after = await http.get("/graphql", params={"query": MEETINGS}, headers={"If-None-Match": seen.headers["etag"]})
            assert after.status_code == 200
            assert after.json() == {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}

            # And once the database is reachable again, it listens again
            await listener.engine.dispose()
            listener.engine = engine
            for _ in range(3000):  # bounded by the backoff's cap
                if listener.reconnects:
                    break
                await asyncio.sleep(0.01)
            async with new_session(other_worker) as session, write_transaction(session):
                await announce(session, DecisionTaken(43, "VN"))
            assert await asyncio.wait_for(queue.get(), timeout=5) == DecisionTaken(43, "VN")
    finally:
        await close_listeners(app)
        await other_worker.dispose()
    logged = [r for r in caplog.records if r.name == "jcm.listener"]
    failures = [r for r in logged if "reconnect attempt" in r.getMessage()]
    assert len(failures) >= 3 and all(r.levelname == "WARNING" for r in failures)
    assert (logged[-1].levelname, logged[-1].getMessage()[:35]) == ("INFO", "the LISTEN connection is back after")
