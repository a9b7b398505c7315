"""The operation's one database session, shared by its resolvers and its loaders."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from models.db import new_session, reading_only

T = TypeVar("T")


class Db:
    """One lazily opened session per operation.

    Sibling fields resolve concurrently, and an AsyncSession allows one statement at a time, so
    every use goes through the lock. When a field fails, GraphQL execution cancels its siblings;
    a database call cancelled half-way can leave its connection unusable (aiosqlite does), so each
    call is shielded and runs to its end, and closing waits for it.

    A query operation says so (`reads_only`) before its first statement: its connection then reads
    without a transaction where that changes no answer (models/db.py `read_only_options`). A
    mutation's session is opened as always, and `write_transaction` begins its write on it.
    """

    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._reads_only = False

    def reads_only(self) -> None:
        """The operation only reads (a query): called before any resolver runs."""
        self._reads_only = True

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = new_session(self.engine)
        return self._session

    async def _opened(self) -> AsyncSession:
        if self._session is None and self._reads_only:
            return await reading_only(self.session, self.engine)
        return self.session

    async def run(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async def locked() -> T:
            async with self._lock:
                return await fn(await self._opened(), *args, **kwargs)

        task = asyncio.ensure_future(locked())
        # Nobody awaits a shielded call whose caller was cancelled: read its outcome here.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return await asyncio.shield(task)

    async def close(self) -> None:
        async with self._lock:
            if self._session is not None:
                await self._session.close()
                self._session = None
