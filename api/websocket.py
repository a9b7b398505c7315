"""GraphQL over WebSocket (graphql-transport-ws) held to the same rules as HTTP, for as long as it is open.

A socket outlives the handshake that authenticated it, so:
- its token is checked again, by id, before every operation it starts and every result it sends,
  and every few seconds for all open sockets of the process (`JCM_WS_TOKEN_RECHECK_SECONDS`); on
  PostgreSQL a revocation also NOTIFYs every process, which closes that token's sockets at once.
  A socket whose token was revoked is closed with 4401, its operations cancelled first.
- browsers cannot set headers on a WebSocket, so the token may come in the `connection_init`
  payload instead: `{"Authorization": "Bearer …"}` or `{"token": "…"}`. It then replaces the
  header's. A bad token there is refused with 4403 (graphql-transport-ws "Forbidden"); a bad
  token in the header is accepted and then closed with 4401, so that browsers see a close code,
  not an opaque failed handshake.
- each message is capped like an HTTP body (`JCM_MAX_BODY_BYTES`, close 1009), and so is the
  number of operations running at once (`JCM_MAX_WS_OPERATIONS`, an `error` for the refused one).
  Every operation goes through the schema's validation, as over HTTP.
"""

import asyncio
import logging
from contextlib import suppress
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from api.context import Context, principal_for_authorization
from api.request_body import StrictRequests
from models.db import new_session
from models.principal import Principal
from resolvers.listener import Listener
from resolvers.tokens import TOKEN_REVOKED_CHANNEL, principal_for_secret, revoked_among

if TYPE_CHECKING:
    from api.settings import Settings

logger = logging.getLogger("jcm.websocket")

UNAUTHORIZED = 4401
FORBIDDEN = 4403
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011
HEADER_TOKEN_REJECTED = "Unauthorized: the bearer token is unknown, malformed or revoked"
PAYLOAD_TOKEN_REJECTED = "Forbidden: the connection_init token is unknown, malformed or revoked"
TOKEN_REVOKED = "Unauthorized: the token was revoked"


class SocketView(StrictRequests):
    """What a socket needs of the view that accepted it; the app's GraphQLView is one. Declared
    here, so that this module need not import the app that imports it."""

    settings: "Settings"
    engine: AsyncEngine
    sockets: "OpenSockets"


class GuardedSocket(BaseGraphQLTransportWSHandler[Context, None]):
    """One open socket. `self.view` is the app's GraphQLView (settings, engine, sockets)."""

    # What strawberry passes in, more precisely than its base class can say: our view, and its ASGI adapter.
    view: SocketView
    websocket: ASGIWebSocketAdapter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.closing = False
        self.streams: set[str] = set()  # ids of the operations that may be subscriptions

    @property
    def token_id(self) -> int | None:
        return self.context.principal.token_id

    async def handle(self) -> None:
        ws = self.websocket.ws
        if ws.scope.get("state", {}).get("token_rejected"):
            return await self.close(UNAUTHORIZED, HEADER_TOKEN_REJECTED)
        limit = self.view.settings.max_body_bytes
        sockets: OpenSockets = self.view.sockets
        self.on_request_accepted()
        try:
            await sockets.add(self)
            while ws.application_state is not WebSocketState.DISCONNECTED and not self.closing:
                received = await ws.receive()
                if received["type"] == "websocket.disconnect":
                    break
                text = received.get("text")
                if text is None:
                    await self.handle_invalid_message("WebSocket message type must be text")
                elif len(text) > limit or len(text.encode()) > limit:
                    await self.close(MESSAGE_TOO_BIG, f"Message too big: over {limit} bytes")
                else:
                    await self._handle_text(text)
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass
        finally:
            sockets.discard(self)
            await self.shutdown()

    async def _handle_text(self, text: str) -> None:
        try:
            message = self.view.decode_json(text)
        except ValueError:
            return await self.handle_invalid_message("WebSocket message must be valid JSON")
        if not isinstance(message, dict):
            return await self.handle_invalid_message("Failed to parse message")
        try:
            # Any JSON object: handle_message checks the message's type and fields itself, as strawberry's
            # own loop does after the same cast.
            await self.handle_message(cast("Message", message))
        except Exception:
            logger.exception("a WebSocket message failed")
            await self.close(INTERNAL_ERROR, "Internal error")

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload")
        if isinstance(payload, dict) and not self.connection_init_received and _carries_token(payload):
            principal = await self._payload_principal(payload)
            if principal is None:
                self.connection_init_received = True  # so that the init timeout does not close it again
                return await self.close(FORBIDDEN, PAYLOAD_TOKEN_REJECTED)
            self.context.principal = principal
            self.context.forget_loaded()
            await self.view.sockets.watch(self)
        await super().handle_connection_init(message)

    async def _payload_principal(self, payload: dict[str, Any]) -> Principal | None:
        engine: AsyncEngine = self.view.engine
        authorization = _get(payload, "authorization")
        if authorization is not None:
            return await principal_for_authorization(engine, authorization) if isinstance(authorization, str) else None
        secret = _get(payload, "token")
        if not isinstance(secret, str) or not secret.strip():
            return None
        async with new_session(engine) as session:
            return await principal_for_secret(session, secret.strip())

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        if (
            not isinstance(message.get("id"), str)
            or not isinstance(payload, dict)
            or not isinstance(payload.get("query"), str)
        ):
            return await self.handle_invalid_message("Failed to parse message: a subscribe needs an id and a query")
        if self.connection_acknowledged and message["id"] not in self.operations:
            if not await self.token_live():
                return await self.close(UNAUTHORIZED, TOKEN_REVOKED)
            cap = self.view.settings.max_ws_operations
            if len(self.operations) >= cap:
                return await self.send_message(
                    {
                        "id": message["id"],
                        "type": "error",
                        "payload": [
                            {
                                "message": f"At most {cap} operations may run at once on one WebSocket; complete one first.",
                                "extensions": {"code": "TOO_MANY_OPERATIONS", "limit": cap},
                            }
                        ],
                    }
                )
            if "subscription" in payload["query"]:
                # May stream for hours: each result is checked too. (A query's or a mutation's one
                # result follows the check above at once; the keyword test errs towards checking.)
                self.streams.add(message["id"])
        await super().handle_subscribe(message)

    async def send_message(self, message: Message) -> None:
        if self.closing:
            return
        if message["type"] in ("complete", "error"):
            self.streams.discard(message["id"])
        elif message["type"] == "next" and message["id"] in self.streams and not await self.token_live():
            # Sent by an operation's own task: close, then end that task too.
            await self.close(UNAUTHORIZED, TOKEN_REVOKED)
            current = asyncio.current_task()
            if current is not None:
                current.cancel()
            return
        await super().send_message(message)

    async def token_live(self) -> bool:
        """False once the socket's token was revoked (checked by id: the secret is not kept)."""
        if self.token_id is None:
            return True
        async with new_session(self.view.engine) as session:
            return not await revoked_among(session, [self.token_id])

    async def close(self, code: int, reason: str) -> None:
        """Cancel every operation, then close: nothing is sent after the close frame."""
        if self.closing:
            return
        self.closing = True
        current = asyncio.current_task()
        for operation in list(self.operations.values()):
            if operation.task is not None and operation.task is not current:
                operation.task.cancel()
        ws = self.websocket.ws
        if ws.application_state is not WebSocketState.DISCONNECTED:
            with suppress(Exception):  # the peer may be gone already
                await self.websocket.close(code=code, reason=reason)

    async def handle_invalid_message(self, error_message: str) -> None:
        await self.close(4400, error_message[:120])


def _get(payload: dict[str, Any], key: str) -> Any:
    return next((value for name, value in payload.items() if name.lower() == key), None)


def _carries_token(payload: dict[str, Any]) -> bool:
    return _get(payload, "authorization") is not None or _get(payload, "token") is not None


class OpenSockets:
    """The process's open sockets, closed when their token is revoked.

    Every `interval` seconds one query asks which of their tokens were revoked: this covers SQLite
    (a CLI revoking from another process) and a PostgreSQL NOTIFY missed while the LISTEN
    connection was down (a reconnect sweeps at once too).
    """

    def __init__(self, engine: AsyncEngine, settings: "Settings", listener: Listener | None):
        self.engine = engine
        self.interval = settings.ws_token_recheck_seconds
        self.listener = listener
        self._sockets: set[GuardedSocket] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        if listener is not None:
            listener.on(TOKEN_REVOKED_CHANNEL, self._on_revoked)
            listener.on_reconnect(lambda: self._spawn(self.sweep()))

    async def add(self, socket: GuardedSocket) -> None:
        self._sockets.add(socket)
        await self.watch(socket)

    async def watch(self, socket: GuardedSocket) -> None:
        """Once a socket has a token: make sure revocations will be heard."""
        if socket.token_id is None:
            return
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep_forever())
        if self.listener is not None:
            await self.listener.start()

    def discard(self, socket: GuardedSocket) -> None:
        self._sockets.discard(socket)

    def _on_revoked(self, payload: str) -> None:
        if payload.isdigit():
            self._close_holders({int(payload)})

    def _close_holders(self, revoked: set[int]) -> None:
        for socket in list(self._sockets):
            if socket.token_id in revoked:
                self._spawn(socket.close(UNAUTHORIZED, TOKEN_REVOKED))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: "asyncio.Future[Any]") -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("closing sockets of a revoked token failed", exc_info=task.exception())

    async def sweep(self) -> None:
        held = {socket.token_id for socket in self._sockets if socket.token_id is not None}
        if held:
            async with new_session(self.engine) as session:
                self._close_holders(await revoked_among(session, held))

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.sweep()
            except Exception:
                logger.exception("checking the open sockets' tokens failed")

    async def aclose(self) -> None:
        for task in [self._sweeper, *self._tasks]:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await task
        self._sweeper = None
