"""Decisions reach subscribers of every worker: on PostgreSQL through NOTIFY, sent at commit."""

import asyncio

import pytest

from models.db import new_session, write_transaction
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
