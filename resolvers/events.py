"""Fan-out of "a decision was taken" to live subscribers.

On SQLite (one process) the API publishes each event after the deciding transaction committed.
On PostgreSQL the deciding transaction itself sends NOTIFY, which PostgreSQL delivers on commit to
every process listening, so subscribers on any worker or host hear of every decision and never of
one that rolled back. The process's one `Listener` connection carries the notifications and is
reopened when lost; decisions taken while it was lost are not replayed. Each subscriber has its own bounded queue; one too slow to keep up loses
its oldest events rather than stalling the others.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import notify
from resolvers.listener import Listener

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


async def announce(session: AsyncSession, event: DecisionTaken) -> None:
    """Inside the deciding transaction: on PostgreSQL, NOTIFY every listening process at commit."""
    await notify(session, CHANNEL, event.encode())


class DecisionBroker:
    def __init__(self, listener: Listener | None = None) -> None:
        """`listener`: the process's LISTEN connection (PostgreSQL); None where events are published
        in process (SQLite)."""
        self._queues: set[asyncio.Queue[DecisionTaken]] = set()
        self._listener = listener
        if listener is not None:
            listener.on(CHANNEL, self._on_notify)

    @property
    def hears_database(self) -> bool:
        """True when events arrive by NOTIFY; the API then publishes nothing itself."""
        return self._listener is not None

    def publish(self, event: DecisionTaken) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[DecisionTaken]]:
        """A queue receiving every event published while the context is open."""
        if self._listener is not None:
            await self._listener.start()
        queue: asyncio.Queue[DecisionTaken] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    def _on_notify(self, payload: str) -> None:
        try:
            self.publish(DecisionTaken.decode(payload))
        except ValueError:
            logger.warning("ignored a malformed %s notification: %r", CHANNEL, payload)
