"""`jcm benchmark`: build a register of 100,000 decisions, serve it with uvicorn (one worker), and
measure GraphQL against plain JSON on the same SQL, side by side, in one run: on SQLite, and with
`--database-url postgresql+asyncpg://…` on PostgreSQL too, so that one table holds both. The public
site's pages are rows of the same run, uncached and revalidated (api/bench_pages.py).

Figures depend on the machine, which is noisy (other work shares its cores): every figure is
measured once per round, GraphQL and its plain twin one after the other, and the table reports
medians over the rounds. Ratios are taken between medians. CPU per request comes from the server's
(and PostgreSQL's) own counters, which other load on the machine disturbs far less than throughput.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from api.bench_load import NO_CACHE, Batch, LoadGenerator, Request
from api.bench_pages import page_goals, page_requests
from api.bench_report import Figure, Goal, Measured, render, write_readme
from api.bench_setup import build_database, count_statements, deep_cursor, prepare_postgresql

PAGE = """query ($first: Int, $after: String) {
  decisions(first: $first, after: $after) {
    totalCount
    edges { cursor node { reference outcome committee { name { en } } positions { side position } proposal { title } } }
  }
}"""
ONE = """query ($reference: String!) {
  decision(reference: $reference) { reference outcome committee { name { en } } positions { side position } proposal { title } }
}"""
GET_QUERY = "{ decisions(first: 20) { totalCount edges { node { reference outcome title decidedOn } } } }"
GET_PATH = "/graphql?" + urlencode({"query": GET_QUERY})
# PostGraphile's server CPU per request on the same register (issue 11); the goal is within 2×.
POSTGRAPHILE_MS = {"page": 1.8, "one": 0.33}
CACHED_GOAL = 5_000  # req/s


@dataclass(frozen=True)
class Target:
    """A database to measure: `database` names the PostgreSQL database whose backends' CPU counts."""

    name: str
    url: str
    database: str | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def _server(url: str) -> AsyncIterator[tuple[subprocess.Popen[bytes], int]]:
    """uvicorn with one worker (the process measured), up and answering /healthz."""
    import httpx

    port = _free_port()
    # One client sends thousands of requests a minute: the rate limit would measure itself.
    env = os.environ | {
        "JCM_DATABASE_URL": url,
        "JCM_BENCHMARK_ENDPOINTS": "true",
        "JCM_LOG_LEVEL": "warning",
        "JCM_RATE_LIMIT": "",
    }
    command = ["-m", "uvicorn", "api.app:asgi_app", "--factory", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen([sys.executable, *command], env=env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for _ in range(300):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the server did not answer /healthz within 30 s")
        yield server, port
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def _peak_memory_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def _cache_hits(health: dict[str, Any]) -> int | None:
    """Hits the response cache counted, from /healthz; None where the server has no such cache."""
    cache = health.get("responseCache")
    return cache.get("hits") if isinstance(cache, dict) and isinstance(cache.get("hits"), int) else None


def _requests(reference: str, deep_row: int, deep_cursor: str, etag: str) -> dict[str, tuple[Figure, Request]]:
    """Every figure, in the order a round measures it: each GraphQL read next to its plain twin."""
    page = {"query": PAGE, "variables": {"first": 20}}
    one = {"query": ONE, "variables": {"reference": reference}}
    deep = {"query": PAGE, "variables": {"first": 20, "after": deep_cursor}}
    revalidate = NO_CACHE | {"If-None-Match": etag}
    return {
        "deep": (Figure(f"page after row {deep_row:,}, GraphQL"), Request("POST", "/graphql", deep, NO_CACHE)),
        "page": (Figure("`decisions(first: 20)`, GraphQL"), Request("POST", "/graphql", page, NO_CACHE)),
        "page_plain": (Figure("`decisions(first: 20)`, plain JSON"), Request("GET", "/bench/decisions?first=20")),
        "one": (Figure("`decision(reference:)`, GraphQL"), Request("POST", "/graphql", one, NO_CACHE)),
        "one_plain": (Figure("`decision(reference:)`, plain JSON"), Request("GET", f"/bench/decision/{reference}")),
        "get": (Figure("anonymous GET, `decisions(first: 20)`"), Request("GET", GET_PATH, headers=NO_CACHE)),
        "get_304": (
            Figure("anonymous GET, If-None-Match (304)"),
            Request("GET", GET_PATH, headers=revalidate, status=304),
        ),
        "cached_page": (Figure("`decisions(first: 20)`, POST", cached=True), Request("POST", "/graphql", page)),
        "cached_one": (Figure("`decision(reference:)`, POST", cached=True), Request("POST", "/graphql", one)),
        "cached_get": (Figure("anonymous GET, `decisions(first: 20)`", cached=True), Request("GET", GET_PATH)),
    }


@dataclass(frozen=True)
class _Rounds:
    """Runs the figures of one kind (uncached or cached) round after round against one server."""

    target: Target
    load: LoadGenerator
    port: int
    server_pid: int
    requests: int
    concurrency: int
    rounds: int

    async def run(self, plan: dict[str, tuple[Figure, Request]], cached: bool) -> None:
        chosen = {key: (figure, request) for key, (figure, request) in plan.items() if figure.cached is cached}
        for number in range(1, self.rounds + 1):
            for figure, request in chosen.values():
                # revalidations and cache hits are cheap: more of them, for a steadier figure
                requests = self.requests * 5 if figure.cached or request.status == 304 else self.requests
                figure.batches.append(
                    await self.load.batch(
                        self.port,
                        request.raw(),
                        requests=requests,
                        concurrency=self.concurrency,
                        server_pid=self.server_pid,
                        database=self.target.database,
                    )
                )
            done = ", ".join(f"{key} {figure.batches[-1].per_second:,.0f}" for key, (figure, _) in chosen.items())
            print(f"{self.target.name} round {number}/{self.rounds}, req/s: {done}", file=sys.stderr)


async def measure(target: Target, load: LoadGenerator, requests: int, concurrency: int, rounds: int) -> Measured:
    import httpx

    async with _server(target.url) as (server, port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            total = await client.post("/graphql", json={"query": PAGE, "variables": {"first": 1}}, headers=NO_CACHE)
            count = total.json()["data"]["decisions"]["totalCount"]
            first = (await client.get("/bench/decisions", params={"first": 1})).json()
            reference = first["data"]["decisions"]["edges"][0]["node"]["reference"]
            deep_row = min(99_980, count - 20)
            etag = (await client.get(GET_PATH, headers=NO_CACHE)).headers["etag"]
            plan = _requests(reference, deep_row, await deep_cursor(target.url, deep_row), etag)
            plan |= await page_requests(client, reference)  # the public site's pages (api/bench_pages.py)
            for _, request in plan.values():
                await request.check(client)
            rounds_of = _Rounds(target, load, port, server.pid, requests, concurrency, rounds)
            await rounds_of.run(plan, cached=False)
            hits_before = hits_after = _cache_hits((await client.get("/healthz")).json())
            if hits_before is None:  # measuring them would repeat the uncached rows, minus the header
                print(f"{target.name}: /healthz reports no responseCache: its rows are n/a", file=sys.stderr)
            else:
                await rounds_of.run(plan, cached=True)
                hits_after = _cache_hits((await client.get("/healthz")).json())
        memory = _peak_memory_mib(server.pid)
    statements = await count_statements(target.url, PAGE, NO_CACHE)
    figures = {key: figure for key, (figure, _) in plan.items()}
    cached_requests = sum(batch.requests for figure in figures.values() if figure.cached for batch in figure.batches)
    hits = None if hits_before is None or hits_after is None else hits_after - hits_before
    goals = _goals(target, figures, count, statements, hits, cached_requests, memory) + page_goals(figures)
    return Measured(target.name, figures, goals, counts_database_cpu=target.database is not None)


def _goals(
    target: Target,
    figures: dict[str, Figure],
    count: int,
    statements: tuple[int, int, int],
    hits: int | None,
    cached_requests: int,
    memory: float,
) -> list[Goal]:
    sqlite = target.database is None
    page, one = figures["page"], figures["one"]
    page_ratio = figures["page_plain"].rate / page.rate
    one_ratio = figures["one_plain"].rate / one.rate
    deep_ratio = page.rate / figures["deep"].rate
    revalidated = figures["get_304"].rate / figures["get"].rate
    page_goal, one_goal = 2 * POSTGRAPHILE_MS["page"], 2 * POSTGRAPHILE_MS["one"]
    hundred, single, transactions = statements
    return [
        Goal("decisions in the database", "100,000", f"{count:,}", count >= 100_000),
        Goal(
            "`decisions(first: 20)`: plain ÷ GraphQL req/s",
            "≤ 1.5 on SQLite",
            f"{page_ratio:.2f}",
            page_ratio <= 1.5 if sqlite else None,
        ),
        Goal(
            "`decision(reference:)`: plain ÷ GraphQL req/s",
            "≤ 1.3 on SQLite",
            f"{one_ratio:.2f}",
            one_ratio <= 1.3 if sqlite else None,
        ),
        Goal(
            "`decisions(first: 20)`: app server CPU ms/request, uncached",
            f"≤ {page_goal:.2f} on PostgreSQL (2× PostGraphile's {POSTGRAPHILE_MS['page']})",
            f"{page.server_ms:.2f}",
            None if sqlite else page.server_ms <= page_goal,
        ),
        Goal(
            "`decision(reference:)`: app server CPU ms/request, uncached",
            f"≤ {one_goal:.2f} on PostgreSQL (2× PostGraphile's {POSTGRAPHILE_MS['one']})",
            f"{one.server_ms:.2f}",
            None if sqlite else one.server_ms <= one_goal,
        ),
        Goal(
            f"first page ÷ {figures['deep'].label.removesuffix(', GraphQL')}, req/s",
            "≤ 1.2",
            f"{deep_ratio:.2f}",
            deep_ratio <= 1.2,
        ),
        Goal(
            "SQL statements, page of 100 / page of 1",
            "equal, ≤ 4",
            f"{hundred} / {single}",
            hundred == single and hundred <= 4,
        ),
        Goal("transaction control per read (begin, commit, rollback)", "", str(transactions), None),
        Goal("304 ÷ uncached anonymous GET req/s", "≥ 5", f"{revalidated:.1f}", revalidated >= 5),
        *(
            Goal(
                f"response cache: {figures[key].label} req/s",
                f"≥ {CACHED_GOAL:,}",
                f"{figures[key].rate:,.0f}" if figures[key].batches else "n/a",
                bool(figures[key].batches) and figures[key].rate >= CACHED_GOAL,
            )
            for key in ("cached_page", "cached_one")
        ),
        Goal(
            "response cache hits (`/healthz`) over the cached rows' measured requests",
            "≥ those requests",
            "n/a" if hits is None else f"{hits:,} / {cached_requests:,}",
            hits is not None and hits >= cached_requests,
        ),
        Goal("server peak memory (VmHWM), MiB", "", f"{memory:.0f}", None),
    ]


def _header(targets: list[Target], requests: int, concurrency: int, rounds: int, ceiling: Batch) -> str:
    databases = " and ".join(target.name for target in targets)
    return (
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, {databases}, one uvicorn worker; "
        f"{rounds} round{'s' if rounds != 1 else ''}, each figure measured once per round (GraphQL and its plain twin one after the other), "
        f"medians (min–max) over the rounds; {requests:,} requests per figure ({5 * requests:,} for 304s and cached reads), "
        f"{concurrency} connections with one request in flight each, from a separate uvloop process "
        f"(its ceiling against a fixed answer from another process: {ceiling.per_second:,.0f} req/s, "
        f"{1e6 * ceiling.client_cpu / ceiling.requests:.0f} µs of its own CPU per request). "
        "CPU per request: utime + stime from /proc over each measured batch ÷ its requests; app server = the "
        "uvicorn process, all threads (on SQLite that includes SQLite itself); database = the PostgreSQL "
        "backends connected to the benchmark's database. Uncached reads send `Cache-Control: no-cache`; the "
        "response cache's rows are repeated anonymous reads answered from it, in a table of their own."
    )


def main(
    database: Path,
    decisions: int,
    requests: int,
    concurrency: int,
    rebuild: bool,
    readme: Path | None,
    database_url: str | None = None,
    rounds: int = 5,
) -> int:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the table
    if rounds < 1 or requests < 1 or concurrency < 1:
        raise SystemExit("--rounds, --requests and --concurrency take a positive number")
    targets = [Target("SQLite", f"sqlite+aiosqlite:///{database}")]
    if rebuild or not database.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        _build(targets[0].url, decisions, str(database))
    if database_url is not None:
        if not database_url.startswith("postgresql"):
            raise SystemExit("--database-url takes a PostgreSQL URL; the SQLite file is --database")
        name = sa.engine.make_url(database_url).database
        if asyncio.run(prepare_postgresql(database_url, rebuild)):
            _build(database_url, decisions, f"PostgreSQL database {name}")
        targets.append(Target("PostgreSQL", database_url, name))

    async def everything() -> tuple[Batch, list[Measured]]:
        load = LoadGenerator()
        try:
            ceiling = await load.ceiling(_free_port(), requests=20 * requests, concurrency=concurrency)
            return ceiling, [await measure(t, load, requests, concurrency, rounds) for t in targets]
        finally:
            load.close()

    ceiling, runs = asyncio.run(everything())
    result = render(runs, _header(targets, requests, concurrency, rounds, ceiling))
    print(result)
    if readme is not None and not write_readme(readme, result):
        print(f"{readme} has no benchmark markers: left as it was", file=sys.stderr)
    return 1 if any(run.failed() for run in runs) else 0


def _build(url: str, decisions: int, where: str) -> None:
    print(f"building {decisions:,} decisions in {where} …", file=sys.stderr)
    started = time.perf_counter()
    asyncio.run(build_database(url, decisions))
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
