"""What every resolver of one GraphQL operation shares: who asks, one session, the loaders."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.settings import Settings
from models.db import new_session
from models.principal import Principal
from resolvers.events import DecisionBroker
from resolvers.tokens import principal_for_secret

T = TypeVar("T")


class Db:
    """One lazily opened session per operation.

    Sibling fields resolve concurrently, and an AsyncSession allows one statement at a time, so
    every use goes through the lock. When a field fails, GraphQL execution cancels its siblings;
    a database call cancelled half-way can leave its connection unusable (aiosqlite does), so each
    call is shielded and runs to its end, and closing waits for it.
    """

    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = new_session(self.engine)
        return self._session

    async def run(self, fn: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async def locked() -> T:
            async with self._lock:
                return await fn(self.session, *args, **kwargs)

        task = asyncio.ensure_future(locked())
        # Nobody awaits a shielded call whose caller was cancelled: read its outcome here.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return await asyncio.shield(task)

    async def close(self) -> None:
        async with self._lock:
            if self._session is not None:
                await self._session.close()
                self._session = None


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    principal: Principal
    request_id: str
    db: Db
    broker: DecisionBroker
    _loaders: Any = field(default=None, repr=False)

    @property
    def loaders(self) -> Any:
        from api.loaders import Loaders  # the loaders import the types' needs, not the reverse

        if self._loaders is None:
            self._loaders = Loaders(self.db, self.principal)
        return self._loaders

    def forget_loaded(self) -> None:
        """After a write, cached rows may be stale: later fields load afresh."""
        self._loaders = None


async def principal_for_authorization(engine: AsyncEngine, authorization: str) -> Principal | None:
    """The principal of an `Authorization: Bearer <secret>` value; None when it is not a valid one."""
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    async with new_session(engine) as session:
        return await principal_for_secret(session, secret.strip())


Info = strawberry.Info[Context, None]
