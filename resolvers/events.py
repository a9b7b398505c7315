"""In-process fan-out of "a decision was taken" to live subscribers.

Events are published only after the deciding transaction committed. Each subscriber has its own
bounded queue; a subscriber too slow to keep up loses its oldest events rather than stalling
the publisher.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

QUEUE_SIZE = 1000


@dataclass(frozen=True)
class DecisionTaken:
    decision_id: int
    committee_code: str


class DecisionBroker:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[DecisionTaken]] = set()

    def publish(self, event: DecisionTaken) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[DecisionTaken]]:
        """A queue receiving every event published while the context is open."""
        queue: asyncio.Queue[DecisionTaken] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._queues)
