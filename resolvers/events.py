"""Fan-out of "a decision was taken" to live subscribers, from one after-commit hook.

The deciding transaction registers what to publish (`announce`), and nothing leaves before it
committed: a transaction that rolls back, or is aborted and run again, publishes nothing for the
failed attempt. On PostgreSQL `announce` also sends NOTIFY, which PostgreSQL delivers on commit to
every process listening, so subscribers on any worker or host hear of every decision and never of
one that rolled back; the brokers there hear the database, through the process's one `Listener`
connection, which is reopened when lost (decisions taken while it was lost are not replayed). On
SQLite (one process) the after-commit hook below hands the events to the brokers serving the
session's engine. Each subscriber has its own bounded queue; one too slow to keep up loses its
oldest events rather than stalling the others.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol
from weakref import WeakKeyDictionary, WeakSet

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import notify
from resolvers.listener import Listener

CHANNEL = "jcm_decision_taken"
QUEUE_SIZE = 1000
# Where a transaction keeps the events it will publish once committed (in `Session.info`).
PENDING = "jcm_events_pending"

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
    """Inside the deciding transaction: publish `event` once it commits, never if it rolls back.

    On PostgreSQL the transaction NOTIFYs every listening process (delivered at commit); in process
    the after-commit hook hands the event to the brokers that do not hear the database.
    """
    await notify(session, CHANNEL, event.encode())
    session.info.setdefault(PENDING, []).append(event)


# Brokers that hear no database (SQLite), by the engine whose commits they are told of. Weak: a
# broker or engine that is gone drops out.
_IN_PROCESS: WeakKeyDictionary[sa.Engine, WeakSet["DecisionBroker"]] = WeakKeyDictionary()


class DecisionCounter(Protocol):
    def decided(self, count: int) -> None: ...


# What counts the decisions committed on an engine (the app's metrics), told after commit.
_COUNTERS: WeakKeyDictionary[sa.Engine, WeakSet[DecisionCounter]] = WeakKeyDictionary()


def count_decisions(engine: AsyncEngine, counter: DecisionCounter) -> None:
    """Tell `counter` how many decisions each transaction on `engine` took, once it committed."""
    _COUNTERS.setdefault(engine.sync_engine, WeakSet()).add(counter)


@event.listens_for(Session, "after_commit")
def _publish_committed(session: Session) -> None:
    """The one place events leave a transaction: after it committed."""
    pending = session.info.pop(PENDING, None)
    if not pending or not isinstance(session.bind, sa.Engine):
        return
    try:
        for counter in list(_COUNTERS.get(session.bind, ())):
            counter.decided(len(pending))
        for broker in list(_IN_PROCESS.get(session.bind, ())):
            for decided in pending:
                broker.publish(decided)
    except Exception:  # the transaction has committed: its caller must not see it as failed
        logger.exception("publishing %d committed event(s) failed", len(pending))


@event.listens_for(Session, "after_transaction_end")
def _discard_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ended without committing (rolled back, or aborted to be run again)
    publishes nothing: what it registered is dropped."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


class DecisionBroker:
    def __init__(self, listener: Listener | None = None, engine: AsyncEngine | None = None) -> None:
        """`listener`: the process's LISTEN connection (PostgreSQL), on which every process's
        decisions arrive. Without one (SQLite), `engine`: the engine whose committed decisions the
        after-commit hook publishes to this broker."""
        self._queues: set[asyncio.Queue[DecisionTaken]] = set()
        self._listener = listener
        if listener is not None:
            listener.on(CHANNEL, self._on_notify)
        elif engine is not None:
            _IN_PROCESS.setdefault(engine.sync_engine, WeakSet()).add(self)

    @property
    def subscribers(self) -> int:
        """Subscriptions open on this broker (for the metrics)."""
        return len(self._queues)

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
