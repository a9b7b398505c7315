"""`jcm benchmark`: build a register of 100,000 decisions, serve it with uvicorn (one worker), and
measure GraphQL against plain JSON on the same SQL, side by side, in one run.

Figures depend on the machine; ratios between figures taken together are what the goals are about.
"""

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from models.db import create_engine, new_session

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


@dataclass
class Row:
    measure: str
    figure: str
    goal: str
    met: bool | None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def build_database(url: str, decisions: int) -> None:
    from models.migrations import upgrade
    from seed import bulk
    from seed.loader import load

    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    try:
        async with new_session(engine) as session:
            await load(session)
        await bulk.build(engine, decisions)
    finally:
        await engine.dispose()


class RawClient:
    """A bare HTTP/1.1 keep-alive client over asyncio streams: a general client such as httpx
    spends more time per request than the server does on a 304, which would hide what is measured."""

    def __init__(self, port: int):
        self.port = port

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port)

    @staticmethod
    def encode(method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
        lines = [f"{method} {url} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    @staticmethod
    async def read(reader: asyncio.StreamReader) -> int:
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = re.search(rb"(?i)content-length: (\d+)", head)
        if length:
            await reader.readexactly(int(length[1]))
        return status

    async def throughput(self, request: bytes, *, requests: int, concurrency: int) -> float:
        """Requests per second over `requests` identical requests, `concurrency` connections at a time."""
        remaining = requests

        async def worker() -> None:
            nonlocal remaining
            reader, writer = await self._connect()
            try:
                for _ in range(5):  # warm-up
                    writer.write(request)
                    await _expect(await self.read(reader))
                await barrier.wait()
                while remaining > 0:
                    remaining -= 1
                    writer.write(request)
                    await _expect(await self.read(reader))
            finally:
                writer.close()

        barrier = asyncio.Barrier(concurrency + 1)
        tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
        await barrier.wait()
        started = time.perf_counter()
        await asyncio.gather(*tasks)
        return requests / (time.perf_counter() - started)


async def _expect(status: int) -> None:
    if status not in (200, 304):
        raise RuntimeError(f"HTTP {status} during the benchmark")


async def _latency(client: Any, url: str, payload: dict[str, Any], requests: int) -> float:
    """Median seconds of one request at a time."""
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        (await client.post(url, json=payload)).raise_for_status()
        timings.append(time.perf_counter() - started)
    timings.sort()
    return timings[len(timings) // 2]


async def _statements(url: str) -> tuple[int, int]:
    """SQL statements for decisions(first: 100) and (first: 1), counted in-process on the same database."""
    import httpx

    from api.app import create_app
    from api.settings import Settings

    engine = create_engine(url)
    counted: list[str] = []
    sa.event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: counted.append(a[2]))
    app = create_app(Settings(database_url=url), engine=engine)
    results = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for first in (100, 1):
            counted.clear()
            (await client.post("/graphql", json={"query": PAGE, "variables": {"first": first}})).raise_for_status()
            # BEGIN on SQLite is the driver's, not a query.
            results.append(sum(1 for statement in counted if statement.strip().upper() != "BEGIN"))
    await engine.dispose()
    return results[0], results[1]


async def _deep_cursor(url: str, offset: int) -> str:
    from resolvers.pagination import encode_cursor

    engine = create_engine(url)
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                sa.text("SELECT decided_on, id FROM decision ORDER BY decided_on DESC, id DESC LIMIT 1 OFFSET :offset"),
                {"offset": offset - 1},
            )
        ).one()
    await engine.dispose()
    decided_on = row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))
    return encode_cursor([decided_on.isoformat(), row[1]])


def _peak_memory_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    if found is None:
        raise RuntimeError(f"no VmHWM in /proc/{pid}/status")
    return int(found[1]) / 1024


async def run(url: str, requests: int, concurrency: int) -> list[Row]:
    import httpx

    port = _free_port()
    # One client sends thousands of requests a minute: the rate limit would measure itself.
    env = os.environ | {
        "JCM_DATABASE_URL": url,
        "JCM_BENCHMARK_ENDPOINTS": "true",
        "JCM_LOG_LEVEL": "warning",
        "JCM_RATE_LIMIT": "",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:asgi_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    rows: list[Row] = []
    try:
        base = f"http://127.0.0.1:{port}"
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
            for _ in range(300):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            total = (await client.post("/graphql", json={"query": PAGE, "variables": {"first": 1}})).json()
            count = total["data"]["decisions"]["totalCount"]
            reference = (await client.get("/bench/decisions", params={"first": 1})).json()
            reference = reference["data"]["decisions"]["edges"][0]["node"]["reference"]

            raw_client = RawClient(port)

            async def ratio(graphql: dict[str, Any], plain: str, goal: float, label: str) -> None:
                post = RawClient.encode("POST", "/graphql", json.dumps(graphql).encode())
                gql = await raw_client.throughput(post, requests=requests, concurrency=concurrency)
                raw = await raw_client.throughput(
                    RawClient.encode("GET", plain), requests=requests, concurrency=concurrency
                )
                rows.append(Row(f"{label}: GraphQL req/s", f"{gql:,.0f}", "", None))
                rows.append(Row(f"{label}: plain JSON req/s", f"{raw:,.0f}", "", None))
                rows.append(Row(f"{label}: plain ÷ GraphQL", f"{raw / gql:.2f}", f"≤ {goal}", raw / gql <= goal))

            await ratio(
                {"query": PAGE, "variables": {"first": 20}}, "/bench/decisions?first=20", 1.5, "decisions(first: 20)"
            )
            await ratio(
                {"query": ONE, "variables": {"reference": reference}},
                f"/bench/decision/{reference}",
                1.3,
                "decision(reference)",
            )

            hundred, one = await _statements(url)
            rows.append(
                Row(
                    "SQL statements, page of 100 / page of 1",
                    f"{hundred} / {one}",
                    "equal, ≤ 4",
                    hundred == one and hundred <= 4,
                )
            )

            cursor = await _deep_cursor(url, min(99_980, count - 20))
            first_page = await _latency(client, "/graphql", {"query": PAGE, "variables": {"first": 20}}, 200)
            deep_page = await _latency(
                client, "/graphql", {"query": PAGE, "variables": {"first": 20, "after": cursor}}, 200
            )
            rows.append(Row("first page, median ms", f"{first_page * 1000:.2f}", "", None))
            rows.append(
                Row(f"page after row {min(99_980, count - 20):,}, median ms", f"{deep_page * 1000:.2f}", "", None)
            )
            rows.append(
                Row(
                    "deep ÷ first page latency", f"{deep_page / first_page:.2f}", "≤ 1.2", deep_page / first_page <= 1.2
                )
            )

            etag = (await client.get("/graphql", params={"query": GET_QUERY})).headers["etag"]
            get_url = "/graphql?" + urlencode({"query": GET_QUERY})
            uncached = await raw_client.throughput(
                RawClient.encode("GET", get_url), requests=requests, concurrency=concurrency
            )
            revalidated = await raw_client.throughput(
                RawClient.encode("GET", get_url, headers={"If-None-Match": etag}),
                requests=requests,
                concurrency=concurrency,
            )
            rows.append(Row("anonymous GET, uncached req/s", f"{uncached:,.0f}", "", None))
            rows.append(Row("anonymous GET, If-None-Match (304) req/s", f"{revalidated:,.0f}", "", None))
            rows.append(
                Row("304 ÷ uncached throughput", f"{revalidated / uncached:.1f}", "≥ 5", revalidated / uncached >= 5)
            )
        rows.append(Row("server peak memory (VmHWM), MiB", f"{_peak_memory_mib(server.pid):.0f}", "", None))
        rows.insert(0, Row("decisions in the database", f"{count:,}", "100,000", count >= 100_000))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| measure | figure | goal | met |", "|---|---:|---|---|"]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.measure} | {row.figure} | {row.goal} | {met} |")
    return "\n".join(lines)


def main(database: Path, decisions: int, requests: int, concurrency: int, rebuild: bool, readme: Path | None) -> int:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the table
    url = f"sqlite+aiosqlite:///{database}"
    if rebuild or not database.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        print(f"building {decisions:,} decisions in {database} …", file=sys.stderr)
        started = time.perf_counter()
        asyncio.run(build_database(url, decisions))
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    rows = asyncio.run(run(url, requests, concurrency))
    result = (
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, SQLite, one uvicorn worker, "
        f"{requests:,} requests per figure, {concurrency} at a time.\n\n{table(rows)}\n"
    )
    print(result)
    if readme is not None:
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            readme.write_text(f"{head}{start}\n{result}{end}{rest.split(end, 1)[1]}", encoding="utf-8")
    return 0 if all(row.met is not False for row in rows) else 1
