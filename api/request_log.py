"""One log line per HTTP request, and the request id it shares with the response and error messages.

The id comes from `asgi-correlation-id` (`CorrelationIdMiddleware`, outside this one): an incoming
`X-Request-ID` is kept when it is short and of a safe alphabet (`valid_request_id`), so that a
proxy's or client's id follows the request through; anything else is replaced by a fresh one, so
no header can put a newline or a megabyte into the log. The id lives in its contextvar
(`request_id()`), read by the masked error messages, the log line and every other log record
written while the request runs (api/logging_setup.py adds it).

`RequestLog` writes the line (logger "jcm.request") when the answer has been sent: method, path,
status, duration in ms, SQL statements sent, the GraphQL operation's name and type, the caller's
role. Statements are counted by one engine listener adding to a per-request counter held in a
contextvar (SQLAlchemy runs its events in a greenlet that carries the caller's context), so the
cost is one contextvar read per statement. The operation is read from the body or query string
the request already carried: the type from the parse cache the GET and POST paths already filled
(`api.http_cache.operation_type`), the name from `operationName` or else from the first tokens of
the document (`document_operation_name`), never by parsing the document again.

A line is INFO whatever the client got wrong (4xx, userErrors): those are answers, not failures.
A 5xx line is WARNING (the failure itself is logged at ERROR where it happened, with the id); an
exception escaping the app is logged here at ERROR with its traceback.
"""

import json
import logging
import random
import re
import sys
import time
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from weakref import WeakSet

import sqlalchemy as sa
from asgi_correlation_id import correlation_id
from graphql import GraphQLError, Lexer, Source, TokenKind
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http_cache import operation_type
from api.http_input import BadParameter, query_params
from api.metrics import Metrics

logger = logging.getLogger("jcm.request")

# An incoming X-Request-ID is kept when it is 1-128 of these characters (UUIDs with or without
# dashes, nginx's $request_id, W3C trace ids, ULIDs); otherwise a new one is made.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Longest operation name written to the log (a client chooses it).
MAX_LOGGED_NAME = 100


def valid_request_id(value: str) -> bool:
    return _SAFE_ID.fullmatch(value) is not None


def new_request_id() -> str:
    """16 hex digits. An id names a request in logs; it grants nothing, so it need not be
    unpredictable, and `random` costs a fraction of uuid4's system call."""
    return f"{random.getrandbits(64):016x}"


def request_id() -> str:
    """The current request's id ("-" outside a request)."""
    return correlation_id.get() or "-"


class _Counter:
    __slots__ = ("statements",)

    def __init__(self) -> None:
        self.statements = 0


_STATEMENTS: ContextVar[_Counter | None] = ContextVar("jcm_statements", default=None)
_COUNTED: WeakSet[sa.Engine] = WeakSet()


def _on_statement(*_: Any) -> None:
    counter = _STATEMENTS.get()
    if counter is not None:
        counter.statements += 1


def count_statements_per_request(engine: AsyncEngine) -> None:
    """Adds the engine's statements to the running request's counter (once per engine: tests
    build many apps on one engine)."""
    if engine.sync_engine not in _COUNTED:
        _COUNTED.add(engine.sync_engine)
        event.listen(engine.sync_engine, "before_cursor_execute", _on_statement)


@lru_cache(maxsize=512)
def document_operation_name(query: str) -> str | None:
    """The name of the document's first operation, read from its first tokens (a named
    `query Foo {` stops after two): what a client that sends no operationName ran."""
    lexer = Lexer(Source(query))
    depth = 0
    try:
        token = lexer.advance()
        while token.kind is not TokenKind.EOF:
            if token.kind is TokenKind.BRACE_L:
                if depth == 0 and token.prev is not None and token.prev.kind is TokenKind.SOF:
                    return None  # `{ ... }`: the anonymous shorthand query
                depth += 1
            elif token.kind is TokenKind.BRACE_R:
                depth -= 1
            elif depth == 0 and token.kind is TokenKind.NAME and token.value in ("query", "mutation", "subscription"):
                following = lexer.advance()
                return following.value if following.kind is TokenKind.NAME else None
            token = lexer.advance()
    except GraphQLError:
        return None
    return None


def _operation(query: Any, operation_name: Any) -> tuple[str | None, str | None]:
    """(name, type) of a GraphQL request, (None, None) when it carries no document."""
    if not isinstance(query, str):
        return None, None
    name = operation_name if isinstance(operation_name, str) and operation_name else None
    kind = operation_type(query, name)
    return name or document_operation_name(query), kind.value if kind is not None else None


def _get_operation(scope: Scope) -> tuple[str | None, str | None]:
    try:
        params = query_params(scope)
    except BadParameter:
        return None, None
    return _operation(params.get("query", [None])[0], params.get("operationName", [None])[0])


def _post_operation(body: bytes) -> tuple[str | None, str | None]:
    """From a body the app has already checked (api/request_body.py): decoded plainly, any
    failure meaning no operation to report."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(payload, dict):
        return None, None
    return _operation(payload.get("query"), payload.get("operationName"))


class RequestLog:
    """Times each HTTP request, counts its statements, writes its line and feeds the metrics."""

    def __init__(self, app: ASGIApp, engine: AsyncEngine, metrics: Metrics | None = None):
        self.app, self.metrics = app, metrics
        count_statements_per_request(engine)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        counter = _Counter()
        token = _STATEMENTS.set(counter)
        state = scope.setdefault("state", {})  # shared with the inner middlewares (the principal)
        status = 500
        chunks: list[bytes] = []
        graphql_post = scope["method"] == "POST" and scope["path"] == "/graphql"

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        try:
            await self.app(scope, receiving if graphql_post else receive, sending)
        except Exception:
            self._log(scope, state, 500, started, counter.statements, b"".join(chunks), failed=True)
            raise
        else:
            self._log(scope, state, status, started, counter.statements, b"".join(chunks), failed=False)
        finally:
            _STATEMENTS.reset(token)

    def _log(
        self,
        scope: Scope,
        state: dict[str, Any],
        status: int,
        started: float,
        statements: int,
        body: bytes,
        failed: bool,
    ) -> None:
        duration = time.perf_counter() - started
        name: str | None = None
        kind: str | None = None
        if scope["path"] == "/graphql":
            name, kind = _post_operation(body) if scope["method"] == "POST" else _get_operation(scope)
        principal = state.get("principal")
        if principal is not None:
            role: str | None = principal.role.value
        else:  # no principal: the public, unless a token was refused (401)
            role = None if any(key == b"authorization" for key, _ in scope["headers"]) else "PUBLIC"
        if self.metrics is not None:
            self.metrics.observe_request(scope["path"], name, kind, status, duration)
        level = logging.ERROR if failed else logging.WARNING if status >= 500 else logging.INFO
        if not logger.isEnabledFor(level):
            return
        fields = {
            "request_id": request_id(),
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(duration * 1000, 2),
            "statements": statements,
            "operation_name": name[:MAX_LOGGED_NAME] if name else None,
            "operation_type": kind,
            "role": role,
        }
        # makeRecord with a fixed origin: logger.log would walk the stack to find the caller.
        record = logger.makeRecord(
            logger.name, level, __file__, 0, "request", (), sys.exc_info() if failed else None, extra=fields
        )
        logger.handle(record)
