"""Rate limits per token, or per client address for the public: 429 with Retry-After.

Two limits, each in `limits` notation and switched off when empty:
- JCM_RATE_LIMIT: HTTP requests of any kind (GraphQL, exports, feeds; not /healthz);
- JCM_RATE_LIMIT_PUBLIC_COMMENTS: anonymous `submitPublicComment` fields, counted per field (one
  document may carry several under aliases). Comments are the one write open to anyone, and each
  makes every public ETag stale, so they get a far tighter limit.

Counted over a moving window with the `limits` library. With its default in-memory storage the
counts are per process: N workers allow N times the limit. A shared storage URI
(JCM_RATE_LIMIT_STORAGE=redis://…) makes the limits hold across workers and hosts.
"""

import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.asgi import buffered, graphql_request, is_graphql_post, json_error, mutation_fields, requester
from api.settings import Settings
from models.principal import PUBLIC

COMMENT_FIELD = "submitPublicComment"
UNLIMITED_PATHS = {"/healthz"}  # load balancers poll it from one address


def _limits(notation: str) -> list[RateLimitItem]:
    return parse_many(notation) if notation else []


def _async_storage(uri: str) -> str:
    return uri if uri.startswith("async+") else f"async+{uri}"


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.requests = _limits(settings.rate_limit)
        self.comments = _limits(settings.rate_limit_public_comments)
        self.limiter = MovingWindowRateLimiter(storage_from_string(_async_storage(settings.rate_limit_storage)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            return await self.app(scope, receive, send)
        who = requester(scope)
        if self.comments:  # the site's comment form counts its comments here too (public_comment)
            scope.setdefault("state", {})["rate_limit"] = self
        if self.requests:
            refusal = await self._take(self.requests, "requests", who, 1)
            if refusal is not None:
                return await refusal(scope, receive, send)
        if self.comments and is_graphql_post(scope) and scope.get("state", {}).get("principal", PUBLIC) is PUBLIC:
            if (read := await buffered(scope, receive, send)) is None:
                return
            body, receive = read
            comments = _comments(body)
            if comments:
                refusal = await self._take(self.comments, "public comments", who, comments)
                if refusal is not None:
                    return await refusal(scope, receive, send)
        await self.app(scope, receive, send)

    async def public_comment(self, scope: Scope) -> Response | None:
        """One comment sent by the public site's form (api/site/comment_form.py), which runs
        submitPublicComment in process: counted as one such field over /graphql is, against the same
        limits, for the same client key and in the same counter; the 429 refusal when over."""
        return await self._take(self.comments, "public comments", requester(scope), 1)

    async def _take(self, items: list[RateLimitItem], what: str, who: str, cost: int) -> Response | None:
        """Count `cost` against every limit, or none of them when one is reached: then the refusal."""
        for item in items:
            if not await self.limiter.test(item, who, cost=cost):
                reset_at, _ = await self.limiter.get_window_stats(item, who)
                retry_after = max(1, math.ceil(reset_at - time.time()))
                per = "token" if who.startswith("token:") else "client address"
                return json_error(
                    429,
                    f"Too many {what}: at most {item.amount} per {_period(item)} per {per}. Retry after {retry_after} s.",
                    "RATE_LIMITED",
                    {"Retry-After": str(retry_after)},
                    retryAfter=retry_after,
                )
        for item in items:
            await self.limiter.hit(item, who, cost=cost)
        return None


def _comments(body: bytes) -> int:
    if COMMENT_FIELD.encode() not in body:  # most requests: no parsing at all
        return 0
    request = graphql_request(body)
    fields = mutation_fields(request["query"], request["operationName"]) if request else None
    return sum(1 for name in fields or () if name == COMMENT_FIELD)


def _period(item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    return unit if item.multiples == 1 else f"{item.multiples} {unit}s"
