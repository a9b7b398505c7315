"""Prometheus metrics at /metrics (`prometheus-client`), one registry per app.

What is measured, and where:
- `jcm_http_requests_total{operation,type,status}` and `jcm_http_request_duration_seconds{operation,type}`:
  every HTTP request, from `api.request_log.RequestLog`. `operation` is the GraphQL operation's
  name (`anonymous` without one) or, for other routes, the first path segment of one of the app's
  own routes (`/feeds`, `/exports`, `/decisions`), `other` for a path no route starts with;
  `type` is query, mutation, subscription, `none` (a GraphQL request without a document: the
  GraphiQL page, a malformed body) or `http` (not GraphQL).
- `jcm_user_errors_total{code}`: every userError a mutation answered (`api.mutations.base.mutate`).
- `jcm_decisions_total`: decisions committed by this process (`resolvers.events`, after commit).
- `jcm_active_subscriptions`, `jcm_db_pool_size`, `jcm_db_pool_checked_out`, `jcm_db_pool_overflow`:
  read when scraped, from the decision broker and the engine's pool.

Label values a client chooses are bounded: an operation name that is no GraphQL name, is longer
than `MAX_NAME` characters, or would be the `MAX_OPERATIONS`+1st distinct one is counted as
`other`, so a client sending random names cannot grow the registry without end.

A registry per app, not prometheus_client's global one: tests build many apps in one process.
Several worker processes (`jcm serve --workers N`) each count their own requests; a scrape reaches
one of them. With `PROMETHEUS_MULTIPROC_DIR` set to an empty folder before the server starts,
prometheus-client keeps the counters and histograms in files there and /metrics answers their sum
over every worker (its multiprocess mode); the gauges read at scrape time are then those of the
worker that answered.
"""

import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from resolvers.events import DecisionBroker, count_decisions

MAX_NAME = 64
MAX_OPERATIONS = 200
OTHER = "other"
ANONYMOUS = "anonymous"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_SEGMENT = re.compile(r"/[a-z0-9._-]{1,32}")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Bounded:
    """At most `limit` distinct label values; later newcomers are `other`."""

    def __init__(self, limit: int):
        self.limit = limit
        self.seen: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self.seen:
            return value
        if len(self.seen) >= self.limit:
            return OTHER
        self.seen.add(value)
        return value


class _Live(Collector):
    """Gauges read at scrape time: nothing to keep up to date between scrapes."""

    def __init__(self, engine: AsyncEngine, broker: DecisionBroker):
        self.engine, self.broker = engine, broker

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "jcm_active_subscriptions", "GraphQL subscriptions open in this process.", self.broker.subscribers
        )
        pool: Any = self.engine.sync_engine.pool
        for name, method, doc in (
            ("jcm_db_pool_size", "size", "Connections the database pool keeps open."),
            ("jcm_db_pool_checked_out", "checkedout", "Database connections in use by requests."),
            (
                "jcm_db_pool_overflow",
                "overflow",
                "Connections opened beyond the pool's size (negative: not yet opened).",
            ),
        ):
            if callable(getattr(pool, method, None)):  # an in-memory SQLite's pool has none of them
                yield GaugeMetricFamily(name, doc, getattr(pool, method)())


class Metrics:
    def __init__(self, engine: AsyncEngine, broker: DecisionBroker):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "jcm_http_requests",
            "HTTP requests answered, by GraphQL operation (or route), type and status.",
            ["operation", "type", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jcm_http_request_duration_seconds",
            "Time from a request's arrival to its answer's end, by GraphQL operation (or route) and type.",
            ["operation", "type"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.user_errors = Counter(
            "jcm_user_errors", "userErrors answered by mutations, by code.", ["code"], registry=self.registry
        )
        self.decisions = Counter("jcm_decisions", "Decisions committed by this process.", registry=self.registry)
        self.live = CollectorRegistry()
        self.live.register(_Live(engine, broker))
        # Children by label values: prometheus-client's labels() takes a lock and builds a key each call.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._operations = _Bounded(MAX_OPERATIONS)
        # The first segments of the app's routes (`route_prefixes`): a path no route starts with is
        # `other`, so requests for made-up paths neither add labels nor crowd out real routes.
        self._prefixes: frozenset[str] = frozenset()
        count_decisions(engine, self)

    def decided(self, count: int) -> None:
        """Called by resolvers.events once a transaction that took `count` decisions committed."""
        self.decisions.inc(count)

    def observe_request(self, path: str, name: str | None, kind: str | None, status: int, seconds: float) -> None:
        if path == "/graphql":
            operation = self._operation(name)
            kind = kind or "none"
        else:
            operation, kind = self._path(path), "http"
        key = (operation, kind, status)
        if (children := self._children.get(key)) is None:  # bounded: operations x types x statuses
            children = self._children[key] = (
                self.requests.labels(operation, kind, str(status)),
                self.latency.labels(operation, kind),
            )
        children[0].inc()
        children[1].observe(seconds)

    def _operation(self, name: str | None) -> str:
        if name is None:
            return ANONYMOUS
        if len(name) > MAX_NAME or not _NAME.fullmatch(name):
            return OTHER
        return self._operations(name)

    def route_prefixes(self, paths: Iterable[str]) -> None:
        """Called by the app once its routes exist: the segments that may become labels."""
        paths = list(paths)
        home = {"/"} if "/" in paths else set()
        self._prefixes = frozenset(m.group() for path in paths if (m := _SEGMENT.match(path))) | home

    def _path(self, path: str) -> str:
        if path == "/" and "/" in self._prefixes:  # the public site's home page, not a made-up path
            return "/"
        segment = _SEGMENT.match(path)
        return segment.group() if segment and segment.group() in self._prefixes else OTHER

    async def endpoint(self, request: Request) -> Response:
        counted = self.registry
        if directory := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # every worker's, summed
            counted = CollectorRegistry()
            MultiProcessCollector(counted, path=directory)
        return Response(generate_latest(counted) + generate_latest(self.live), media_type=CONTENT_TYPE_LATEST)


def count_user_error(connection: HTTPConnection, code: str) -> None:
    """Counts a userError in the metrics of the app serving `connection` (none: not counted)."""
    metrics = getattr(getattr(connection.scope.get("app"), "state", None), "metrics", None)
    if metrics is not None:
        metrics.user_errors.labels(code).inc()
