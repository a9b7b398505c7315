"""Fan-out of "a decision was taken" to live subscribers.

On SQLite (one process) the API publishes each event after the deciding transaction committed.
On PostgreSQL the deciding transaction itself sends NOTIFY, which PostgreSQL delivers on commit to
every process listening, so subscribers on any worker or host hear of every decision and never of
one that rolled back. Each subscriber has its own bounded queue; one too slow to keep up loses
its oldest events rather than stalling the others.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

CHANNEL = "jcm_decision_taken"
QUEUE_SIZE = 1000

logger = logging.getLogger("jcm.events")


@dataclass(frozen=True)
class DecisionTaken:
    decision_id: int
    committee_code: str

    def encode(self) -> str:
        return f"{self.decision_id}:{self.committee_code}"

    @classmethod
    def decode(cls, payload: str) -> "DecisionTaken":
        decision_id, _, code = payload.partition(":")
        return cls(int(decision_id), code)


def through_database(bind: Any) -> bool:
    return bind.dialect.name == "postgresql"


async def announce(session: AsyncSession, event: DecisionTaken) -> None:
    """Inside the deciding transaction: on PostgreSQL, NOTIFY every listening process at commit."""
    if through_database(session.bind):
        await session.exec(sa.select(sa.func.pg_notify(CHANNEL, event.encode())))


class DecisionBroker:
    def __init__(self, engine: AsyncEngine | None = None) -> None:
        self._queues: set[asyncio.Queue[DecisionTaken]] = set()
        self._engine = engine
        self._listener: AsyncConnection | None = None
        self._starting = asyncio.Lock()

    @property
    def hears_database(self) -> bool:
        """True when events arrive by NOTIFY; the API then publishes nothing itself."""
        return self._engine is not None and through_database(self._engine)

    def publish(self, event: DecisionTaken) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[DecisionTaken]]:
        """A queue receiving every event published while the context is open."""
        if self.hears_database:
            await self._listen()
        queue: asyncio.Queue[DecisionTaken] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    async def _listen(self) -> None:
        async with self._starting:
            if self._listener is not None:
                return
            assert self._engine is not None
            connection = await self._engine.connect()
            raw = await connection.get_raw_connection()
            await raw.driver_connection.add_listener(CHANNEL, self._on_notify)
            self._listener = connection

    def _on_notify(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            self.publish(DecisionTaken.decode(payload))
        except ValueError:
            logger.warning("ignored a malformed %s notification: %r", CHANNEL, payload)

    async def aclose(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
