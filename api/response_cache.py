"""The bytes of anonymous GraphQL answers, kept in memory and sent again without running the query.

Public frontends read the same few queries over and over; between two writes the answer cannot
change. This middleware keeps the complete answer (status 200, its headers and body bytes) of an
anonymous query, over GET or POST /graphql, keyed by what the ETag (api/http_cache.py) is over:
the document, its variables written canonically, the operation name, the publication version (it
moves with every committed change, in this process or another), the day, and the media type
negotiated from Accept (api/media_types.py), so that an answer kept for an `application/json`
client is never sent to one that asked for `application/graphql-response+json`, or the reverse. The cache holds one
such (version, day) at a time: a change anywhere empties it at once, so no older answer can be
sent again, and stale entries never hold memory.

What is kept and sent again:
- only requests without Authorization (a token's answer is its own: tokens neither read nor fill
  the cache, and a bad token is still refused with 401 before this middleware);
- only queries (never mutations or subscriptions; a document of several operations counts by the
  one operationName chooses), only 200 answers in JSON without a top-level `errors` key; never a
  persisted-query request (refused by the view) nor one whose Accept allows no type we send (406);
- GET answers with their ETag, Cache-Control and Vary; a GET whose If-None-Match holds the ETag
  gets its 304 first, as without the cache.
A request with `Cache-Control: no-cache` or `no-store` (or `Pragma: no-cache`) is answered as if
there were no cache: the query runs, nothing is read or kept (benchmarks measure uncached figures so).

Memory is bounded by JCM_RESPONSE_CACHE_BYTES (0 disables the cache): entries are counted by their
key, body and header bytes and evicted least recently used first; an entry larger than the budget
is not kept. Hits, misses, entries and bytes are on app.state.response_cache and at /healthz.

Speed is the point (a hit is meant to cost a small fraction of a query), so the middleware is
plain ASGI, sits inside the request id and the rate limit (which still apply to every answer) but
before the idempotency middleware and the router, and remembers per raw request (query string or
body bytes) whether it is a cacheable query and under which key, instead of parsing JSON and
GraphQL on every hit.
"""

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import orjson
from graphql import OperationType
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import BadJson, buffered, decode
from api.http_cache import not_modified, operation_type, revalidates
from api.http_input import BadParameter, query_params
from api.media_types import GRAPHQL_RESPONSE, JSON, negotiated
from models import clock
from models.principal import PUBLIC
from resolvers.publication import PublicationVersion

Headers = tuple[tuple[bytes, bytes], ...]
# What identifies a request within one (version, day): method, query, variables, operation name,
# extensions (each canonical text, None when absent).
Identity = tuple[str, str, str | None, str | None, str | None]
# An answer is kept per identity and negotiated media type.
Key = tuple[Identity, str]

# Raw requests up to this size have their identity remembered (at most MEMO_ENTRIES of them, so
# that memory stays bounded beside the budget); larger ones are parsed on every request.
MEMO_BYTES = 8_192
MEMO_ENTRIES = 256
SEEN_ENTRIES = 1_024  # POST identities remembered as asked before (see ResponseCache.__call__)
NO_CACHE = (b"no-cache", b"no-store")
STREAMING = (b"multipart/", b"text/event-stream")  # Accept asking for an incremental answer
KEPT_TYPES = (JSON.encode(), GRAPHQL_RESPONSE.encode())  # the content types of answers kept
APQ = "persistedQuery"  # an Apollo persisted query: refused by the view (api/request_body.py)


@dataclass(frozen=True, slots=True)
class Entry:
    headers: Headers
    body: bytes
    etag: str | None  # GET answers: the ETag they carry
    size: int


class ResponseCacheStore:
    """Answers of the current (version, day), least recently used first, within a byte budget."""

    def __init__(self, budget: int):
        self.budget = budget
        self.hits = self.misses = self.bytes = 0
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._epoch: tuple[int, date] | None = None
        self._seen: OrderedDict[int, None] = OrderedDict()

    def seen(self, key: Key) -> bool:
        """Whether `key` was asked for before (among the last SEEN_ENTRIES); remembers it
        by its hash only (a rare collision merely reads the version once too often)."""
        hashed = hash(key)
        if hashed in self._seen:
            self._seen.move_to_end(hashed)
            return True
        self._seen[hashed] = None
        if len(self._seen) > SEEN_ENTRIES:
            self._seen.popitem(last=False)
        return False

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "entries": len(self._entries), "bytes": self.bytes}

    def advance(self, version: int, day: date) -> None:
        """Enter the epoch of `version` and `day`; entering a new one forgets every answer."""
        if self._epoch != (version, day):
            self._epoch = (version, day)
            self._entries.clear()
            self.bytes = 0

    def get(self, key: Key) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: Key, version: int, day: date, headers: Headers, body: bytes, etag: str | None) -> None:
        """Keep an answer computed in the epoch (version, day), unless that epoch is over."""
        if self._epoch != (version, day):
            return
        identity, media_type = key
        size = sum(len(part) for part in identity if part) + len(media_type) + len(body)
        size += sum(len(k) + len(v) for k, v in headers)
        if size > self.budget:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._entries[key] = Entry(headers, body, etag, size)
        self.bytes += size
        while self.bytes > self.budget:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _is_query(query: str, operation_name: str | None) -> bool:
    return operation_type(query, operation_name) is OperationType.QUERY


def _get_identity(query_string: bytes) -> Identity | None:
    """A GET's identity, or None when the view must answer it (no query, not a query, a bad or
    repeated parameter: the ETag takes the first value where strawberry runs the last)."""
    try:
        params = query_params({"query_string": query_string})
    except BadParameter:
        return None
    if any(len(params.get(name, ())) > 1 for name in ("query", "variables", "operationName", "extensions")):
        return None
    query = params.get("query", [None])[0]
    operation_name = params.get("operationName", [None])[0]
    if query is None or not _is_query(query, operation_name):
        return None
    parts: list[str | None] = []
    for name in ("variables", "extensions"):
        raw = params.get(name, [None])[0]
        if raw:
            try:
                value = decode(raw, name)
            except BadJson:
                return None
            if not isinstance(value, dict) or (name == "extensions" and APQ in value):
                return None
            raw = _canonical(value)
        parts.append(raw)
    return ("GET", query, parts[0], operation_name, parts[1])


def _post_identity(body: bytes) -> Identity | None:
    """A JSON POST's identity, or None when the view must answer it: checked as strictly as the
    view checks it, so that a request it refuses never shares a key with one it answers."""
    try:
        payload = decode(body)
    except BadJson:
        return None
    if not isinstance(payload, dict):
        return None
    query, variables = payload.get("query"), payload.get("variables")
    operation_name, extensions = payload.get("operationName"), payload.get("extensions")
    if not isinstance(query, str) or not isinstance(operation_name, str | None):
        return None
    if not isinstance(variables, dict | None) or not isinstance(extensions, dict | None):
        return None
    if extensions and APQ in extensions:
        return None
    if not _is_query(query, operation_name):
        return None
    return ("POST", query, _canonical(variables), operation_name, _canonical(extensions))


_memo_get = lru_cache(maxsize=MEMO_ENTRIES)(_get_identity)
_memo_post = lru_cache(maxsize=MEMO_ENTRIES)(_post_identity)


def get_identity(query_string: bytes) -> Identity | None:
    return _memo_get(query_string) if len(query_string) <= MEMO_BYTES else _get_identity(query_string)


def post_identity(body: bytes) -> Identity | None:
    return _memo_post(body) if len(body) <= MEMO_BYTES else _post_identity(body)


def _has_errors(body: bytes) -> bool:
    if b'"errors"' not in body:  # the common case: no parsing
        return False
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return True
    return not isinstance(payload, dict) or "errors" in payload


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((value for key, value in headers if key.lower() == name), None)


class ResponseCache:
    def __init__(self, app: ASGIApp, store: ResponseCacheStore, publication: PublicationVersion):
        self.app, self.store, self.publication = app, store, publication

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            return await self.app(scope, receive, send)
        method = scope["method"]
        if method not in ("GET", "POST") or scope.get("state", {}).get("principal", PUBLIC) is not PUBLIC:
            return await self.app(scope, receive, send)
        read_cache, content_type, if_none_match = True, None, None
        for name, value in scope["headers"]:  # one pass over what decides
            if name == b"authorization" or name == b"idempotency-key":  # a key is checked even on a query
                return await self.app(scope, receive, send)
            if name == b"cache-control" or name == b"pragma":
                read_cache = read_cache and not any(word in value.lower() for word in NO_CACHE)
            elif name == b"content-type" and content_type is None:
                content_type = value
            elif name == b"if-none-match" and if_none_match is None:
                if_none_match = value
            elif name == b"accept" and any(kind in value.lower() for kind in STREAMING):
                return await self.app(scope, receive, send)
        if method == "GET":
            identity = get_identity(scope["query_string"])
        elif content_type != b"application/json" and not (content_type or b"").startswith(b"application/json;"):
            return await self.app(scope, receive, send)  # the view decides what other types mean
        else:
            if (read := await buffered(scope, receive, send)) is None:
                return
            body, receive = read
            identity = post_identity(body)
        if identity is None or (media_type := negotiated(scope)) is None:
            return await self.app(scope, receive, send)
        key = (identity, media_type)

        if not read_cache:  # as if there were no cache: not even the version is read
            self.store.misses += 1
            return await self.app(scope, receive, send)
        if method == "POST" and not self.store.seen(key):
            # A document asked for the first time: nothing can be kept for it, and reading the
            # publication version would add a statement to every one-off request. From its
            # second time on it is looked up (GET reads the version for its ETag anyway).
            self.store.misses += 1
            return await self.app(scope, receive, send)
        version, day = await self.publication.current(), clock.today()
        self.store.advance(version, day)
        if (entry := self.store.get(key)) is not None:
            if entry.etag is not None and if_none_match and revalidates(if_none_match.decode("latin-1"), entry.etag):
                return await not_modified(entry.etag)(scope, receive, send)
            await send({"type": "http.response.start", "status": 200, "headers": list(entry.headers)})
            await send({"type": "http.response.body", "body": entry.body})
            return
        await self._fill(scope, receive, send, key, version, day)

    async def _fill(self, scope: Scope, receive: Receive, send: Send, key: Key, version: int, day: date) -> None:
        """Run the request, passing its answer on as it comes, and keep it if it may be sent again."""
        status, headers, chunks, whole = 0, (), [], True

        async def keeping(message: Message) -> None:
            nonlocal status, headers, whole
            if message["type"] == "http.response.start":
                # A copy: the request id middleware outside appends to this very list.
                status, headers = message["status"], tuple(message.get("headers", ()))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:
                whole = False
            await send(message)

        await self.app(scope, receive, keeping)
        if status != 200 or not whole:
            return
        body = b"".join(chunks)
        content_type = _header(headers, b"content-type") or b""
        if not content_type.startswith(KEPT_TYPES) or _has_errors(body):
            return
        # A commit while the query ran may or may not show in the answer: keep it only if none did.
        if await self.publication.current() != version or clock.today() != day:
            return
        etag = _header(headers, b"etag")
        self.store.put(key, version, day, headers, body, etag.decode("latin-1") if etag else None)
