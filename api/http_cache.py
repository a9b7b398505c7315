"""GraphQL over HTTP GET for public frontends: cacheable, revalidated by ETag.

An anonymous GET answer carries an ETag over the query, its variables, the publication version
(the newest audit event: any change moves it), the day (statuses such as LAPSED follow the
calendar) and the media type negotiated from Accept (api/media_types.py: the same URL answers
`application/json` and `application/graphql-response+json` clients each in their type, so a
cache must neither confuse their ETags nor serve one's answer to the other: `Vary: Accept`).
A request whose If-None-Match holds that ETag is answered 304 without running the query.
Answers to a bearer token are private and never stored. Mutations are not for GET: 405.
A persisted-query request and one whose Accept allows no type we send go to the view uncached.
"""

import hashlib
import json
from functools import lru_cache

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http_input import SUBSCRIPTIONS, BadParameter, http_error, query_params
from api.media_types import JSON, in_media_type, negotiated
from models import clock
from models.principal import PUBLIC
from resolvers.listener import Listener
from resolvers.publication import PublicationVersion

PUBLIC_CACHE = "public, max-age=0, must-revalidate"
PRIVATE_CACHE = "private, no-store"
# The same URL answers the public and a token differently, and each media type in its own type:
# a shared cache must key on both headers.
# (CORSMiddleware, when origins are configured, adds Origin to it on every answer.)
VARY = "Authorization, Accept"


@lru_cache(maxsize=512)
def operation_type(query: str, operation_name: str | None) -> OperationType | None:
    """The document's operation type, or None when it does not parse (GraphQL will say why)."""
    try:
        operation = get_operation_ast(parse(query), operation_name)
    except GraphQLError:
        return None
    return operation.operation if operation else None


class CachedGraphQLGet:
    def __init__(self, app: ASGIApp, engine: AsyncEngine, listener: Listener | None = None):
        self.app = app
        self.publication = PublicationVersion(engine, listener)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        media_type = negotiated(scope)
        try:
            params = query_params(scope)
        except BadParameter as error:
            return await in_media_type(http_error(400, error.message), media_type)(scope, receive, send)
        query = params.get("query", [None])[0]
        if query is None or media_type is None:  # GraphiQL's page, a 406 or a malformed request: the view answers
            return await self.app(scope, receive, send)
        operation_name = params.get("operationName", [None])[0]
        if (kind := operation_type(query, operation_name)) in (OperationType.MUTATION, OperationType.SUBSCRIPTION):
            message = "Mutations are sent with POST, not GET." if kind is OperationType.MUTATION else SUBSCRIPTIONS
            response = http_error(405, message, {"Allow": "POST"})
            return await in_media_type(response, media_type)(scope, receive, send)
        if scope.get("state", {}).get("principal", PUBLIC) is not PUBLIC:
            return await self.app(scope, receive, _with_headers(send, {"cache-control": PRIVATE_CACHE, "vary": VARY}))
        if "persistedQuery" in params.get("extensions", [""])[0]:  # refused by the view, never cached
            return await self.app(scope, receive, send)
        version = await self.publication.current()
        etag = _etag(query, params.get("variables", [""])[0], operation_name, version, media_type)
        if revalidates(Headers(scope=scope).get("if-none-match", ""), etag):
            return await not_modified(etag)(scope, receive, send)
        await self.app(scope, receive, _with_headers(send, _public(etag), only_ok=True))


def _public(etag: str) -> dict[str, str]:
    return {"etag": etag, "cache-control": PUBLIC_CACHE, "vary": VARY}


def not_modified(etag: str) -> Response:
    """The 304 to a GET whose If-None-Match holds the current ETag (api/response_cache.py sends it too)."""
    return Response(status_code=304, headers=_public(etag))


def revalidates(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header holds `etag`, in a list or weak (W/) or not."""
    return etag in _listed(if_none_match)


def _etag(query: str, variables: str, operation_name: str | None, version: int, media_type: str) -> str:
    try:  # the same variables in another order or spacing are the same request
        variables = json.dumps(json.loads(variables), sort_keys=True, separators=(",", ":")) if variables else ""
    except (ValueError, RecursionError):  # the view refuses it with a 400
        pass
    parts = [query, variables, operation_name or "", str(version), clock.today().isoformat()]
    if media_type != JSON:  # JSON's ETags stay what they were before there was a choice
        parts.append(media_type)
    key = "\0".join(parts)
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _listed(if_none_match: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",") if tag.strip()}


def _with_headers(send: Send, headers: dict[str, str], only_ok: bool = False) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and (not only_ok or message["status"] == 200):
            message.setdefault("headers", [])
            message["headers"] = [(k, v) for k, v in message["headers"] if k.decode().lower() not in headers]
            message["headers"] += [(k.encode(), v.encode()) for k, v in headers.items()]
        await send(message)

    return sending
