"""One PostgreSQL connection per process LISTENing on every channel the process cares about, kept open.

NOTIFY reaches only the connections listening at the moment it is delivered, so a lost LISTEN
connection (the backend terminated, PostgreSQL restarted, the network cut) silently deafens the
whole process: subscriptions stop hearing decisions, cached publication versions go stale. A
supervisor task therefore notices the loss at once (asyncpg's termination callback) or at the
next health probe (a half-open TCP connection gives no callback), reconnects with capped
exponential backoff and jitter, and logs both. Whatever was announced while deaf is unknown, so
every reconnect runs the `on_reconnect` callbacks ("anything may have changed"), and
`connected` tells users not to trust state kept from notifications while it is False.
"""

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger("jcm.listener")

PROBE_SECONDS = 30.0  # a health probe this often catches a connection lost without a callback
PROBE_TIMEOUT = 10.0
BACKOFF_FIRST = 0.1
BACKOFF_MAX = 30.0


class _Asyncpg(Protocol):
    """What this module uses of an asyncpg connection (asyncpg ships no type information)."""

    def add_termination_listener(self, callback: Callable[[Any], None]) -> None: ...

    async def add_listener(self, channel: str, callback: Callable[[Any, int, str, str], None]) -> None: ...

    async def execute(self, query: str, *, timeout: float | None = None) -> str: ...

    def get_server_pid(self) -> int: ...

    def is_closed(self) -> bool: ...


async def _asyncpg(connection: AsyncConnection) -> _Asyncpg:
    """The asyncpg connection under a SQLAlchemy one (LISTEN is PostgreSQL-only)."""
    raw = (await connection.get_raw_connection()).driver_connection
    if raw is None:
        raise RuntimeError("the LISTEN connection has no driver connection")
    return raw


class Listener:
    def __init__(self, engine: AsyncEngine, *, probe_seconds: float = PROBE_SECONDS):
        self.engine = engine
        self.probe_seconds = probe_seconds
        self.reconnects = 0  # how many times the connection was re-established (for tests and logs)
        self._channels: dict[str, list[Callable[[str], None]]] = {}
        self._on_reconnect: list[Callable[[], None]] = []
        self._connection: AsyncConnection | None = None
        self._lost = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._lost.is_set()

    def on(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call `callback(payload)` for each notification on `channel` (before or after `start`)."""
        self._channels.setdefault(channel, []).append(callback)
        if self._connection is not None and len(self._channels[channel]) == 1:
            asyncio.ensure_future(self._listen_on(self._connection, channel)).add_done_callback(_consume)

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        self._on_reconnect.append(callback)

    async def start(self) -> None:
        """Listen from now on; returns once LISTEN is in effect, so that no later NOTIFY is missed."""
        if self._supervisor is not None:
            return
        async with self._starting:
            if self._supervisor is not None:
                return
            await self._connect()
            self._supervisor = asyncio.create_task(self._supervise())

    async def _connect(self) -> None:
        connection = await self.engine.connect()
        try:
            raw = await _asyncpg(connection)
            for channel in list(self._channels):
                await self._listen_on(connection, channel)
        except BaseException:
            await _discard(connection)
            raise
        self._connection = connection
        self._lost.clear()

        # Only this connection's end counts: a late callback of an earlier one must not fire again.
        def lost(_connection: Any) -> None:
            if self._connection is connection:
                self._lost.set()

        raw.add_termination_listener(lost)

    async def _listen_on(self, connection: AsyncConnection, channel: str) -> None:
        raw = await _asyncpg(connection)

        def deliver(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
            for callback in list(self._channels.get(channel, ())):
                try:
                    callback(payload)
                except Exception:
                    logger.exception("a %s notification handler failed", channel)

        await raw.add_listener(channel, deliver)

    async def _supervise(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), timeout=self.probe_seconds)
            except TimeoutError:
                if await self._healthy():
                    continue
            self._lost.set()
            try:
                await self._reconnect()
            except Exception:  # a bug here must not leave the process deaf for good
                logger.exception("reconnecting the LISTEN connection failed; trying again")
                await asyncio.sleep(BACKOFF_MAX)

    async def _healthy(self) -> bool:
        assert self._connection is not None
        try:
            raw = await _asyncpg(self._connection)
            await raw.execute("SELECT 1", timeout=PROBE_TIMEOUT)
            return True
        except Exception:
            return False

    async def _reconnect(self) -> None:
        logger.warning("the LISTEN connection was lost; reconnecting (notifications until then are missed)")
        if self._connection is not None:
            await _discard(self._connection)
            self._connection = None
        attempt = 0
        while True:
            try:
                await self._connect()
                break
            except Exception as error:
                delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2**attempt) * random.uniform(0.5, 1.0)
                attempt += 1
                logger.warning("LISTEN reconnect attempt %d failed (%s); next in %.1f s", attempt, error, delay)
                await asyncio.sleep(delay)
        self.reconnects += 1
        logger.info("the LISTEN connection is back after %d failed attempt(s)", attempt)
        for callback in list(self._on_reconnect):
            try:
                callback()
            except Exception:
                logger.exception("a LISTEN reconnect handler failed")

    async def aclose(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            try:
                await self._supervisor
            except asyncio.CancelledError:
                pass
            self._supervisor = None
        if self._connection is not None:
            await _discard(self._connection)
            self._connection = None

    async def backend_pid(self) -> int | None:
        """The PostgreSQL backend serving the LISTEN connection (for operators and tests)."""
        if self._connection is None:
            return None
        return (await _asyncpg(self._connection)).get_server_pid()


async def _discard(connection: AsyncConnection) -> None:
    """Close a connection that may be dead; a dead one is invalidated, not returned to the pool."""
    try:
        raw = await _asyncpg(connection)
        if raw.is_closed():
            await connection.invalidate()
        await connection.close()
    except Exception:
        logger.debug("closing a lost LISTEN connection failed", exc_info=True)


def _consume(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("LISTEN on a new channel failed", exc_info=task.exception())
