"""Talking graphql-transport-ws to a live server (the `live_server` fixture): connect, init,
subscribe, receive, each with a 10-second limit so that a test never hangs."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def socket(live_server, header: str | None = None, protocol: str = PROTOCOL) -> AsyncIterator[Any]:
    headers = {"Authorization": f"Bearer {header}"} if header else None
    async with websockets.connect(live_server.ws_url, subprotocols=[protocol], additional_headers=headers) as ws:
        yield ws


async def init(ws, payload: dict | None = None) -> dict:
    await ws.send(json.dumps({"type": "connection_init", **({"payload": payload} if payload is not None else {})}))
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=10))


async def subscribe(ws, id: str, query: str, variables: dict | None = None) -> None:
    await ws.send(
        json.dumps({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
    )


async def receive(ws) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
