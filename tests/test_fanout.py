"""Decisions reach subscribers of every worker: on PostgreSQL through NOTIFY, sent at commit, heard on a
LISTEN connection that is reopened when lost."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import close_listeners, create_app
from api.settings import Settings
from models.db import create_engine, new_session, write_transaction
from models.enums import Role
from models.principal import Principal
from resolvers.events import DecisionBroker, DecisionTaken, announce
from resolvers.listener import Listener
from resolvers.meetings import schedule_meeting
from tests.support.db import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="cross-process fan-out is PostgreSQL's NOTIFY")


async def test_a_decision_committed_by_one_worker_reaches_the_subscribers_of_another(database, engine):
    # Given a second worker with its own connection pool and broker, and a subscriber there
    other_engine = database.engine()
    listener = Listener(other_engine)
    other_worker = DecisionBroker(listener)
    try:
        async with other_worker.subscribe() as queue:
            # When this worker commits a transaction that announces a decision
            async with new_session(engine) as session, write_transaction(session):
                await announce(session, DecisionTaken(41, "VN"))

            # Then the other worker's subscriber receives it
            assert await asyncio.wait_for(queue.get(), timeout=5) == DecisionTaken(41, "VN")
    finally:
        await listener.aclose()
        await other_engine.dispose()


async def test_a_decision_rolled_back_is_never_announced(database, engine):
    other_engine = database.engine()
    listener = Listener(other_engine)
    other_worker = DecisionBroker(listener)
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
        await listener.aclose()
        await other_engine.dispose()


MEETINGS = '{ committee(code: "VN") { meetings { number heldOn } } }'
ONE_MEETING = {"data": {"committee": {"meetings": [{"number": 1, "heldOn": "2026-12-15"}]}}}


class Worker:
    """An app with a decision subscriber and a tagged public answer, and another worker beside it."""

    def __init__(self, http: httpx.AsyncClient, queue: asyncio.Queue, listener, etag: str, other: AsyncEngine):
        self.http, self.queue, self.listener, self.etag, self.other = http, queue, listener, etag, other

    async def terminate_listen_backend(self) -> int:
        pid = await self.listener.backend_pid()
        async with self.other.connect() as connection:
            await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return pid

    async def other_schedules_a_meeting(self) -> None:
        async with new_session(self.other) as session:
            await schedule_meeting(
                session, Principal(Role.SECRETARIAT, name="JCMA"), committee_code="VN", held_on=date(2026, 12, 15)
            )

    async def answer_to_the_old_tag(self) -> httpx.Response:
        return await self.http.get("/graphql", params={"query": MEETINGS}, headers={"If-None-Match": self.etag})

    async def hears_a_decision(self, decision_id: int) -> bool:
        async with new_session(self.other) as session, write_transaction(session):
            await announce(session, DecisionTaken(decision_id, "VN"))
        return await asyncio.wait_for(self.queue.get(), timeout=5) == DecisionTaken(decision_id, "VN")


@asynccontextmanager
async def worker(database, engine) -> AsyncIterator[Worker]:
    app = create_app(Settings(database_url=database.url, database_schema=database.schema), engine=engine)
    other = database.engine()
    try:
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
            app.state.broker.subscribe() as queue,
        ):
            seen = await http.get("/graphql", params={"query": MEETINGS})
            yield Worker(http, queue, app.state.listener, seen.headers["etag"], other)
    finally:
        await close_listeners(app)
        await other.dispose()


async def until(condition, seconds: float) -> None:
    """Wait (bounded) for a condition to hold."""
    for _ in range(int(seconds * 100)):
        if condition():
            return
        await asyncio.sleep(0.01)


async def test_a_terminated_listen_connection_is_reopened_and_nothing_stays_stale(database, engine, caplog):
    caplog.set_level(logging.INFO, logger="jcm.listener")
    # Given a worker whose public answer was tagged, and a subscriber of its decisions
    async with worker(database, engine) as this:
        # When PostgreSQL terminates the worker's LISTEN backend (as a restart or an operator would)
        pid = await this.terminate_listen_backend()
        # and another worker commits a meeting at once, its NOTIFY going nowhere
        await this.other_schedules_a_meeting()
        await until(lambda: this.listener.reconnects, seconds=10)

        # Then the old tag is stale: the meeting is served
        after = await this.answer_to_the_old_tag()
        assert (after.status_code, after.json()) == (200, ONE_MEETING)
        # and decisions reach the subscriber again, over a new connection
        assert await this.listener.backend_pid() != pid
        assert await this.hears_a_decision(42)

    # And the operator can read what happened in the log
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "jcm.listener"] == [
        ("WARNING", "the LISTEN connection was lost; reconnecting (notifications until then are missed)"),
        ("INFO", "the LISTEN connection is back after 0 failed attempt(s)"),
    ]


async def test_while_the_listen_connection_cannot_be_reopened_answers_stay_fresh_and_it_keeps_trying(
    database, engine, caplog
):
    caplog.set_level(logging.INFO, logger="jcm.listener")
    failed = lambda: [r for r in caplog.records if "reconnect attempt" in r.getMessage()]  # noqa: E731
    # Given a worker whose public answer was tagged, and a subscriber of its decisions
    async with worker(database, engine) as this:
        # When its LISTEN backend is terminated while the database cannot be reached for listening
        this.listener.engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/unreachable")
        await this.terminate_listen_backend()
        await until(lambda: len(failed()) >= 3, seconds=10)
        # and another worker commits a meeting meanwhile
        await this.other_schedules_a_meeting()

        # Then, though deaf to NOTIFY, the worker does not answer the old tag with a stale 304
        after = await this.answer_to_the_old_tag()
        assert (after.status_code, after.json()) == (200, ONE_MEETING)

        # And once the database is reachable again, it listens again
        await this.listener.engine.dispose()
        this.listener.engine = engine
        await until(lambda: this.listener.reconnects, seconds=30)  # the backoff's cap
        assert await this.hears_a_decision(43)

    # And each failed attempt was logged as a warning, the recovery as information
    assert len(failed()) >= 3 and {r.levelname for r in failed()} == {"WARNING"}
    last = [r for r in caplog.records if r.name == "jcm.listener"][-1]
    assert (last.levelname, last.getMessage()[:35]) == ("INFO", "the LISTEN connection is back after")
