"""What every resolver of one GraphQL operation shares: who asks, one session, the loaders."""

from dataclasses import dataclass, field

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.db import Db
from api.loaders import Loaders
from api.settings import Settings
from models.db import new_session, reading_only
from models.principal import Principal
from resolvers.events import DecisionBroker
from resolvers.tokens import principal_for_secret

__all__ = ["Context", "Db", "Info", "principal_for_authorization"]


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    principal: Principal
    request_id: str
    db: Db
    broker: DecisionBroker
    _loaders: Loaders | None = field(default=None, repr=False)
    # Set while a compiled plan renders the operation (api/compiled): the plan loads each level's
    # relations itself, so resolvers need not prefetch what their selection asks for.
    planned: bool = False

    @property
    def loaders(self) -> Loaders:
        """The operation's loaders, made on first use (most operations of a cached answer need none)."""
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
    async with new_session(engine) as session:  # one SELECT, without BEGIN/ROLLBACK where that is allowed
        return await principal_for_secret(await reading_only(session, engine), secret.strip())


Info = strawberry.Info[Context, None]
