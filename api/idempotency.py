"""`Idempotency-Key` on POST /graphql: a client that retries a mutation after a timeout gets the
first answer again (marked `Idempotent-Replayed: true`) instead of a second proposal or comment.

Stripe's semantics. The key is scoped to the token, or to the client address for the public, and
kept 24 hours. The same key with a different request is refused (422 IDEMPOTENCY_KEY_REUSED); while
the first request with a key runs, another with it is refused (409 IDEMPOTENCY_KEY_IN_USE, with
Retry-After) rather than run twice.

Only answers that are final are kept: a response under 500 whose body has no top-level GraphQL
`errors` (userErrors are data: a refused createProposal stays refused). A masked internal error, a
5xx or an exception releases the key, since nothing was decided, so the client may retry.
Operations that are not mutations run as if no key had been sent: reading again is harmless and an
old answer would be stale.

A replay is sent in the media type the retry negotiated (api/media_types.py), not the first
request's: a kept answer has no `errors`, so its body is the same GraphQL response in
`application/json` and in `application/graphql-response+json`, and only the label differs.
"""

import hashlib
import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import buffered, graphql_request, is_graphql_post, json_error, mutation_fields, requester
from api.media_types import MEDIA_TYPES, negotiated
from models.db import new_session
from models.idempotency import is_valid_key
from resolvers import idempotency
from resolvers.idempotency import Claim, ClaimOutcome

logger = logging.getLogger("jcm.api")

HEADER = "idempotency-key"
REPLAYED = (b"idempotent-replayed", b"true")


def fingerprint(body: bytes, request: dict[str, Any] | None) -> str:
    """The same query, variables and operation name are the same request, whatever their spacing
    or key order in the JSON body."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":")).encode() if request else body
    return hashlib.sha256(canonical).hexdigest()


def is_final(status: int, body: bytes) -> bool:
    if status >= 500:
        return False
    try:
        payload = json.loads(body)
    except ValueError:
        return status < 400
    return not (isinstance(payload, dict) and payload.get("errors"))


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, engine: AsyncEngine):
        self.app, self.engine = app, engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get(HEADER) if is_graphql_post(scope) else None
        if key is None:
            return await self.app(scope, receive, send)
        if not is_valid_key(key):
            response = json_error(
                400,
                "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                "INVALID_IDEMPOTENCY_KEY",
                field="Idempotency-Key",
            )
            return await response(scope, receive, send)
        if (read := await buffered(scope, receive, send)) is None:
            return
        body, receive = read
        request = graphql_request(body)
        if request is not None and mutation_fields(request["query"], request["operationName"]) is None:
            return await self.app(scope, receive, send)  # not a mutation: nothing to repeat or to guard

        owner = requester(scope)
        async with new_session(self.engine) as session:
            claim = await idempotency.claim(session, owner, key, fingerprint(body, request))
        if claim.outcome is not ClaimOutcome.CLAIMED:
            return await _refused(claim, negotiated(scope))(scope, receive, send)
        assert claim.claimed_at is not None  # a CLAIMED claim always says when
        await self._run(scope, receive, send, owner, key, claim.claimed_at)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, owner: str, key: str, claimed_at: datetime
    ) -> None:
        """Run the request holding the claim; keep its answer if final, else give the key up.
        The answer is held back until it is stored, so that a retry never finds the key busy
        after the client had its answer."""
        messages: list[Message] = []
        stored = False

        async def holding(message: Message) -> None:
            nonlocal stored
            messages.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                start = messages[0]
                body = b"".join(m.get("body", b"") for m in messages[1:])
                if is_final(start["status"], body):
                    stored = True  # even if keeping it fails: then the claim stays, abandoned, not freed
                    content_type = Headers(raw=start.get("headers", [])).get("content-type")
                    try:
                        async with new_session(self.engine) as session:
                            await idempotency.complete(
                                session, owner, key, claimed_at, start["status"], content_type, body
                            )
                    except Exception:
                        logger.exception("could not keep the answer for an idempotency key of %s", owner)
                for held in messages:
                    await send(held)

        try:
            await self.app(scope, receive, holding)
        finally:
            if not stored:
                try:
                    async with new_session(self.engine) as session:
                        await idempotency.release(session, owner, key, claimed_at)
                except Exception:  # the claim is abandoned; it frees itself after a few minutes
                    logger.warning("could not release idempotency key of %s", owner, exc_info=True)


def _refused(claim: Claim, media_type: str | None) -> Response:
    if claim.outcome is ClaimOutcome.REPLAY:
        row = claim.row
        # A REPLAY carries the stored row, which is DONE and so has its answer.
        assert row is not None and row.response_status is not None
        kept_type = row.content_type
        if media_type is not None and kept_type in MEDIA_TYPES:
            kept_type = media_type
        response = Response(row.response_body, status_code=row.response_status, media_type=kept_type)
        response.raw_headers.append(REPLAYED)
        return response
    if claim.outcome is ClaimOutcome.REUSED:
        return json_error(
            422,
            "This Idempotency-Key was already used with a different request; use a new key for a new request.",
            "IDEMPOTENCY_KEY_REUSED",
            field="Idempotency-Key",
        )
    return json_error(
        409,
        "A request with this Idempotency-Key is still running; retry shortly to get its answer.",
        "IDEMPOTENCY_KEY_IN_USE",
        {"Retry-After": "1"},
        field="Idempotency-Key",
    )
