"""Conditional GET for what people and their tools fetch again and again: exports, feeds and the
public decision pages. Each answer carries an `ETag` and a `Last-Modified`, and a request that
shows it already holds the current answer gets `304 Not Modified` without the answer being built.

What changes an answer is what GraphQL GET answers are revalidated on (api/http_cache.py): the
publication version (the newest audit event's id, held by the app as `app.state.publication`;
every write moves it) and the day (statuses such as LAPSED follow the calendar). So:

- the ETag is a hash of the path, the raw query string, the publication version and the day;
- Last-Modified is the time of the newest audit event, or the start of today (UTC) if that is later,
  since a new day may change an answer as much as a write does. It costs one primary-key lookup
  per publication version, remembered until the version moves.

`If-None-Match` wins; `If-Modified-Since` is looked at only without it (RFC 9110 §13.1.3), and
an unreadable date is ignored, as the RFC says. These answers are the same whoever asks (exports,
feeds and pages show the public view to everyone), so they are `public` and do not vary by token.

A 304 may only stand for an answer that would have been 200. The routes check their parameters
first (a bad one is a 400 whatever the headers say), and the feed its committee. A decision page
answers a current ETag without looking its decision up: the client got that ETag from a 200 for
the same URL, and nothing published since could have removed the decision (nothing is erased);
a bare If-Modified-Since, which a client may send with any date, counts only once the decision is
found. `If-None-Match: *` is never a match, for the same reason. The GraphQL GET helpers are not
imported: api/http_cache.py is another concern's module.
"""

import hashlib
from datetime import UTC, datetime, time
from email.utils import format_datetime, parsedate_to_datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from models import clock
from models.audit import AuditEvent

PUBLIC_CACHE = "public, max-age=0, must-revalidate"


class Validators:
    """The validators of one answer, and whether a request's conditional headers match them."""

    def __init__(self, etag: str, last_modified: datetime):
        self.etag = etag
        # HTTP dates have whole seconds: compare what the client can have been sent.
        self.last_modified = last_modified.astimezone(UTC).replace(microsecond=0)

    @property
    def headers(self) -> dict[str, str]:
        return {
            "ETag": self.etag,
            "Last-Modified": format_datetime(self.last_modified, usegmt=True),
            "Cache-Control": PUBLIC_CACHE,
        }

    def unchanged_for(self, request: Request) -> bool:
        """Whether the request's If-None-Match, or else its If-Modified-Since, says it holds this answer."""
        headers = Headers(scope=request.scope)
        if_none_match = headers.get("if-none-match")
        if if_none_match is not None:
            listed = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",") if tag.strip()}
            return self.etag in listed  # not "*": whether the resource exists is not looked up first
        since = _http_date(headers.get("if-modified-since"))
        return since is not None and self.last_modified <= since

    def not_modified(self) -> Response:
        return Response(status_code=304, headers=self.headers)


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Conditional:
    """Validators for the requests of one group of routes (one per route factory)."""

    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self._changed: tuple[int, datetime | None] | None = None  # (version, its event's time)

    async def validators(self, request: Request) -> Validators:
        version = await request.app.state.publication.current()
        today = clock.today()
        changed = await self._changed_at(version)
        start_of_day = datetime.combine(today, time(), UTC)
        last_modified = max(changed, start_of_day) if changed else start_of_day
        key = "\0".join(
            [
                request.url.path,
                request.scope.get("query_string", b"").decode("latin-1"),
                str(version),
                today.isoformat(),
            ]
        )
        return Validators('"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"', last_modified)

    async def _changed_at(self, version: int) -> datetime | None:
        known = self._changed
        if known is not None and known[0] == version:
            return known[1]
        async with self.engine.connect() as connection:
            statement = sa.select(col(AuditEvent.at)).where(col(AuditEvent.id) == version)  # by primary key
            at = (await connection.execute(statement)).scalar()
        self._changed = (version, at)
        return at
