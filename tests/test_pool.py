"""The connection pool holds enough connections that 8 requests at once open none, and the app
opens them at start-up."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.benchmark import PAGE
from models.db import POOL_SIZE

AT_ONCE = 8


class Connects:
    count = 0


@contextmanager
def connections_opened(engine: AsyncEngine) -> Iterator[Connects]:
    opened = Connects()

    def on_connect(*_: Any) -> None:
        opened.count += 1

    event.listen(engine.sync_engine, "connect", on_connect)
    try:
        yield opened
    finally:
        event.remove(engine.sync_engine, "connect", on_connect)


async def pages_at_once(client: httpx.AsyncClient) -> None:
    body = {"query": PAGE, "variables": {"first": 20}}
    responses = await asyncio.gather(*(client.post("/graphql", json=body) for _ in range(AT_ONCE)))
    assert all(r.status_code == 200 and "errors" not in r.json() for r in responses), [r.text for r in responses]


async def test_eight_requests_at_once_open_no_connection_beyond_the_pool(client, engine):
    # Given a pool that has served 8 requests at once
    await pages_at_once(client)

    # When 8 more come at once
    with connections_opened(engine) as opened:
        await pages_at_once(client)

    # Then they found their connections open
    assert opened.count == 0
    assert engine.sync_engine.pool.size() == POOL_SIZE >= AT_ONCE + 2  # + the LISTEN connection and a spare


async def test_the_app_opens_its_connections_at_start_up(settings, engine):
    # Given an app started (its lifespan ran)
    app = create_app(settings, engine=engine)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            # When its first 8 requests come at once
            with connections_opened(engine) as opened:
                await pages_at_once(client)

    # Then none opened a connection
    assert opened.count == 0
