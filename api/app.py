"""The Starlette application: /graphql (GraphQL over POST, GET and WebSocket, GraphiQL for browsers),
/exports, /feeds, /healthz, /readyz, /version, /metrics and the registry's public keys
(/.well-known/jcm-registry-keys.json)."""

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.asgi import BodyTooLarge, json_error
from api.bench_endpoints import bench_routes
from api.context import Context, Db, principal_for_authorization
from api.exports import export_routes
from api.feeds import feed_routes
from api.gc_tuning import tune_for_serving
from api.graphiql import asset_routes, graphiql_page
from api.http_cache import CachedGraphQLGet
from api.idempotency import IdempotencyMiddleware
from api.json_encoding import encode_json
from api.metrics import Metrics
from api.probes import probe_routes
from api.rate_limit import RateLimitMiddleware
from api.request_log import RequestLog, new_request_id, request_id, valid_request_id
from api.response_cache import ResponseCache, ResponseCacheStore
from api.schema import build_schema
from api.settings import BadSetting, Settings, get_settings
from api.signing_keys import key_routes
from api.site import site_routes
from api.site.framework import unrouted_page
from api.websocket import GuardedSocket, OpenSockets, SocketView
from models.db import create_engine, is_sqlite, ping, prewarm
from models.principal import PUBLIC, Principal
from models.signing import KeyStore
from resolvers.events import DecisionBroker
from resolvers.listener import Listener

logger = logging.getLogger("jcm.api")


class GraphQLView(SocketView):
    # Only graphql-transport-ws: its handler re-checks tokens and caps messages (api/websocket.py);
    # the legacy graphql-ws protocol would bypass that, so it is refused (close 4406).
    graphql_transport_ws_handler_class = GuardedSocket

    def __init__(self, settings: Settings, engine: AsyncEngine):
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            allowed_origins=settings.cors_origins,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.max_ws_operations,
        )
        self.settings = settings
        self.engine = engine
        # PostgreSQL: the process's one LISTEN connection, for decisions, changes and revocations.
        self.listener = None if is_sqlite(engine) else Listener(engine)
        self.broker = DecisionBroker(self.listener, engine)
        self.sockets = OpenSockets(engine, settings, self.listener)

    def encode_json(self, data: object) -> str:
        return encode_json(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(request, self.graphql_ide_html)  # its files from this service, not a CDN

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        state = request.scope.get("state", {})
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            principal=state.get("principal", PUBLIC),
            request_id=request_id(),
            db=Db(self.engine),
            broker=self.broker,
        )


class RequestContextMiddleware:
    """Caps every request's body and resolves its token. (Its id, echoed as X-Request-ID, comes
    from CorrelationIdMiddleware outside: `api.request_log.request_id()`.)

    A request without Authorization is PUBLIC. A wrong or revoked token is answered 401: a client
    whose credentials broke must notice, not silently read as the public.
    """

    def __init__(self, app: ASGIApp, settings: Settings, engine: AsyncEngine):
        self.app, self.settings, self.engine = app, settings, engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id()  # for readers of the scope's state (the public site, api/site)
        headers = Headers(scope=scope)
        if scope["type"] == "http":
            declared = headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.settings.max_body_bytes:
                response = json_error(413, f"Request body over {self.settings.max_body_bytes} bytes.", "BODY_TOO_LARGE")
                return await response(scope, receive, send)
            receive = self._capped(receive)

        authorization = headers.get("authorization")
        if authorization is not None:
            try:
                principal = await self._principal(authorization)
            except Exception:
                logger.exception("token check failed (request id %s)", request_id())
                if scope["type"] == "websocket":
                    return await WebSocket(scope, receive, send).close(code=1011, reason="internal error")
                response = json_error(
                    503,
                    f"Internal error. Quote request id {request_id()} when reporting it.",
                    "INTERNAL_SERVER_ERROR",
                    requestId=request_id(),
                )
                return await response(scope, receive, send)
            if principal is None:
                if scope["type"] == "websocket":  # accepted, then closed with 4401 (api/websocket.py)
                    state["token_rejected"] = True
                    return await self.app(scope, receive, send)
                response = json_error(
                    401,
                    "The bearer token is not valid: it is unknown, malformed or revoked.",
                    "UNAUTHENTICATED",
                    {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
                return await response(scope, receive, send)
            state["principal"] = principal
        await self.app(scope, receive, send)

    def _capped(self, receive: Receive) -> Receive:
        limit, seen = self.settings.max_body_bytes, 0

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        return capped

    async def _principal(self, authorization: str) -> Principal | None:
        return await principal_for_authorization(self.engine, authorization)


async def _body_too_large(request: Request, exc: Exception) -> Response:
    return json_error(413, "Request body too large.", "BODY_TOO_LARGE")


# The first path segments of the service's machine endpoints (GraphQL, GraphiQL's files, exports,
# feeds, probes, metrics, the registry's keys, the benchmark's endpoints), on or switched off. A path
# under one that no route serves gets what its clients have always got, Starlette's plain-text
# "Not Found"; tests/test_site_lists.py holds every non-site route to this list.
MACHINE_PREFIXES = (
    "graphql",
    "graphiql",
    "exports",
    "feeds",
    "healthz",
    "readyz",
    "version",
    "metrics",
    ".well-known",
    "bench",
)


async def _unrouted(request: Request, exc: Exception) -> Response:
    """A path no route serves, with the public site on: the site's 404 page in the visitor's language
    (api/site/framework.py unrouted_page), as a page's own 404s are. Machine paths keep the plain
    answer; a client asking for JSON and not HTML gets the service's JSON error shape."""
    assert isinstance(exc, HTTPException)
    if request.url.path.lstrip("/").split("/", 1)[0] in MACHINE_PREFIXES:
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    accept = request.headers.get("accept", "").lower()
    answer: Response
    if "json" in accept and "html" not in accept:
        answer = json_error(404, "No page or endpoint at this path.", "NOT_FOUND")
    else:
        answer = unrouted_page(request)
    answer.headers["Vary"] = "Accept, Accept-Language"  # chosen by both: a cache must keep them apart
    return answer


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Starlette:
    settings = settings or get_settings()
    owns_engine = engine is None
    engine = engine or create_engine(
        settings.database_url,
        settings.database_schema,
        statement_timeout_ms=settings.statement_timeout_ms,
        pool_size=settings.database_pool_size,
    )
    view = GraphQLView(settings, engine)
    graphql = CachedGraphQLGet(view, engine, view.listener)
    metrics = Metrics(engine, view.broker) if settings.metrics else None
    response_cache = ResponseCacheStore(settings.response_cache_bytes) if settings.response_cache_bytes else None

    async def healthz(request: Request) -> Response:
        try:
            await ping(engine)
        except Exception:
            logger.exception("health check: database unreachable")
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        health: dict[str, Any] = {"status": "ok", "database": "reachable"}
        if response_cache is not None:
            health["responseCache"] = response_cache.stats()
        return JSONResponse(health)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            await prewarm(engine, settings.database_pool_size)
        except Exception:  # the service starts anyway: /healthz reports the database, requests retry it
            logger.warning("could not open the database connections at start-up", exc_info=True)
        yield
        await close_listeners(app)
        if owns_engine:
            await engine.dispose()

    benchmark = bench_routes(engine) if settings.benchmark_endpoints else []
    # The signing keys, read again when their files change; certificates sign with its ring too.
    key_store = KeyStore(settings.signing_key_path)
    site = site_routes(settings, view.schema, engine, view.broker)
    app = Starlette(
        routes=[
            *benchmark,
            # Every method reaches the view, which refuses all but GET and POST with a JSON 405.
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz, methods=["GET"]),
            *probe_routes(engine, view.listener),
            *([Route("/metrics", metrics.endpoint, methods=["GET"])] if metrics else []),
            *export_routes(engine),
            *feed_routes(engine),
            *site,  # the public site (api/site), unless off
            *key_routes(key_store),
            *(asset_routes() if settings.graphiql else []),
        ],
        # With the site on, a path no route serves is its 404 page; off, Starlette's plain one as before.
        exception_handlers={BodyTooLarge: _body_too_large, **({404: _unrouted} if site else {})},
        lifespan=lifespan,
    )
    # No trailing-slash redirects: Starlette builds them from the request's Host header, and every
    # link this service makes comes from JCM_PUBLIC_URL. `/search/` is a 404 like any unknown path.
    app.router.redirect_slashes = False
    if metrics is not None:
        metrics.route_prefixes(getattr(route, "path", "") for route in app.routes)
    # Inside RequestContextMiddleware (added after them), which resolves the principal they scope by.
    app.add_middleware(IdempotencyMiddleware, engine=engine)
    if response_cache is not None:  # a hit skips idempotency (queries only) and the router
        app.add_middleware(ResponseCache, store=response_cache, publication=graphql.publication)
    app.add_middleware(RateLimitMiddleware, settings=settings)
    app.add_middleware(RequestContextMiddleware, settings=settings, engine=engine)
    # One log line per request with its id (kept from the client's X-Request-ID when safe), and metrics.
    app.add_middleware(RequestLog, engine=engine, metrics=metrics)
    app.add_middleware(
        CorrelationIdMiddleware, generator=new_request_id, validator=valid_request_id, update_request_header=False
    )
    if settings.cors_origins:
        # Outermost, so that a browser's preflight is answered before anything asks for a token.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["ETag", "X-Request-ID", "Retry-After", "Idempotent-Replayed"],
            max_age=600,
        )
    app.state.engine = engine
    app.state.settings = settings
    app.state.broker = view.broker
    app.state.sockets = view.sockets
    app.state.listener = view.listener
    app.state.publication = graphql.publication
    app.state.response_cache = response_cache
    app.state.key_store = key_store
    app.state.metrics = metrics
    return app


async def close_listeners(app: Starlette) -> None:
    """Close the connections kept for PostgreSQL notifications (the app's engine stays open)."""
    await app.state.sockets.aclose()
    await app.state.publication.aclose()
    if app.state.listener is not None:
        await app.state.listener.aclose()


def asgi_app() -> Any:
    """Factory for `uvicorn --factory api.app:asgi_app`: the app, with the garbage collector tuned
    for serving (api/gc_tuning.py) once it is built. A bad JCM_* setting is one line on stderr and
    exit status 2, as with `jcm`, not a traceback."""
    try:
        settings = get_settings()
    except BadSetting as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    app = create_app(settings)
    tune_for_serving()
    return app
