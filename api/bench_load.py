"""The benchmark's load generator: a separate process on uvloop with bare HTTP/1.1 keep-alive
connections, one request in flight on each, and the CPU the server (and PostgreSQL) spent per batch.

Why a process of its own: at several thousand requests a second a client on the server's event
loop, or on asyncio streams in the benchmark's own loop, becomes what is measured. Here each
connection is a protocol whose callback sends the next request the moment an answer is complete:
no coroutine, no stream, no future per request. `ceiling` measures what the client itself can
drive, against a fixed answer served from yet another process.

CPU comes from /proc/<pid>/stat (utime + stime, all threads, in clock ticks) read just before and
after the measured batch, when the server is idle: warm-up requests and connecting are not counted
(PostgreSQL's backends are also read during the batch, see DatabaseCpu).
"""

import asyncio
import json
import multiprocessing
import os
import re
import socket
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

WARM_UP = 5  # requests per connection before the measured batch
TIMEOUT_S = 900  # a batch that takes longer has a server that stopped answering
FIXED_ANSWER = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
# Every uncached figure sends it: the response cache must not answer what is compared.
NO_CACHE = {"Cache-Control": "no-cache"}
_LENGTH = re.compile(rb"\ncontent-length:\s*(\d+)")


@dataclass(frozen=True)
class Batch:
    """One measured batch: wall time, and CPU seconds of the server, the database and the client."""

    requests: int
    seconds: float
    server_cpu: float
    database_cpu: float | None
    client_cpu: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200

    def raw(self) -> bytes:
        """The request as the load generator sends it, keep-alive HTTP/1.1."""
        body = json.dumps(self.body).encode() if self.body is not None else b""
        lines = [f"{self.method} {self.path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def check(self, client: Any) -> None:
        """Send it once: a figure of error answers would measure nothing."""
        answer = await client.request(self.method, self.path, json=self.body, headers=self.headers)
        json_answer = answer.headers.get("content-type", "").startswith("application/json")
        if answer.status_code != self.status or (self.status == 200 and json_answer and answer.json().get("errors")):
            raise RuntimeError(f"{self.method} {self.path}: HTTP {answer.status_code} {answer.text[:300]}")


def ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (0 once it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    fields = stat[stat.rindex(b")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


class DatabaseCpu:
    """CPU of the PostgreSQL backends connected to one database, known by their title, `postgres:
    [cluster:] user database host(port) state`: other databases on the same server (a test run next
    door) and the server's background processes are not counted.

    Read every POLL_S while a batch runs, keeping each backend's last reading: the pool closes a
    connection it has no room for mid-batch, and an exited backend can no longer be read. A backend
    that starts during the batch counts from zero, its start-up included: a cost of the requests."""

    POLL_S = 0.1

    def __init__(self, database: str):
        self.database = database.encode()
        self.elsewhere: set[int] = set()  # processes known not to be this database's backends
        self.before: dict[int, int] = {}
        self.last: dict[int, int] = {}

    def _backends(self) -> list[int]:
        pids = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or (pid := int(entry.name)) in self.elsewhere:
                continue
            try:
                if Path(entry.path, "comm").read_bytes().strip() != b"postgres":
                    self.elsewhere.add(pid)
                    continue
                title = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").split()
            except OSError:
                continue
            if title[:1] != [b"postgres:"]:
                continue  # the postmaster, or a child that has not set its title yet
            words = title[2:] if len(title) > 1 and title[1].endswith(b":") else title[1:]  # Debian names the cluster
            if len(words) >= 2 and words[1] == self.database:
                pids.append(pid)
            else:
                self.elsewhere.add(pid)
        return pids

    def read(self) -> None:
        for pid in self._backends():
            if now := ticks(pid):
                self.last[pid] = max(self.last.get(pid, 0), now)

    def start(self) -> None:
        self.read()
        self.before = dict(self.last)

    def seconds(self) -> float:
        """CPU seconds since `start`."""
        self.read()
        return sum(now - self.before.get(pid, 0) for pid, now in self.last.items()) / os.sysconf("SC_CLK_TCK")

    async def follow(self, until: "asyncio.Future[None]") -> None:
        while not until.done():
            self.read()
            await asyncio.wait([until], timeout=self.POLL_S)


def answer_length(buffer: bytearray) -> tuple[int, int] | None:
    """(status, length in bytes) of the complete answer at the start of `buffer`, or None while
    it is incomplete. Knows Content-Length, chunked bodies and bodiless statuses: what uvicorn sends."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).lower()
    status = int(head[9:12])
    body = end + 4
    if found := _LENGTH.search(head):
        total = body + int(found[1])
        return (status, total) if len(buffer) >= total else None
    if b"\ntransfer-encoding: chunked" in head:
        position = body
        while True:
            line_end = buffer.find(b"\r\n", position)
            if line_end < 0:
                return None
            size = int(bytes(buffer[position:line_end]).split(b";")[0], 16)
            position = line_end + 2 + size + 2
            if len(buffer) < position:
                return None
            if size == 0:
                return status, position
    if status in (204, 304) or 100 <= status < 200:
        return status, body
    raise RuntimeError(f"an answer with neither Content-Length nor chunks: {head[:200]!r}")


class _Run:
    """`requests` identical requests shared by the connections; done once every one is answered."""

    def __init__(self, request: bytes, requests: int, connections: int):
        self.request = request
        self.remaining = requests
        self.busy = connections
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def next(self, transport: asyncio.Transport) -> None:
        if self.remaining > 0:
            self.remaining -= 1
            transport.write(self.request)
            return
        self.busy -= 1
        if self.busy == 0 and not self.done.done():
            self.done.set_result(None)

    def fail(self, error: Exception) -> None:
        if not self.done.done():
            self.done.set_exception(error)


class _Client(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.run: _Run | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass it
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        assert self.run is not None and self.transport is not None
        while (answer := answer_length(self.buffer)) is not None:
            status, length = answer
            del self.buffer[:length]
            if status not in (200, 304):
                self.run.fail(RuntimeError(f"HTTP {status} during the benchmark"))
                return
            self.run.next(self.transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.run is not None:
            self.run.fail(ConnectionError(f"the server closed a connection: {exc}"))


async def _drive(clients: list[_Client], request: bytes, requests: int, database: DatabaseCpu | None = None) -> None:
    run = _Run(request, requests, len(clients))
    for client in clients:
        client.run = run
    following = asyncio.create_task(database.follow(run.done)) if database else None
    for client in clients:
        assert client.transport is not None
        run.next(client.transport)
    try:
        await asyncio.wait_for(run.done, TIMEOUT_S)
    finally:
        if following:
            await following


async def measure(
    port: int, request: bytes, requests: int, concurrency: int, server_pid: int | None, database: str | None
) -> Batch:
    """Warm up `concurrency` connections, then time `requests` requests over them."""
    loop = asyncio.get_running_loop()
    clients = []
    for _ in range(concurrency):
        _, client = await loop.create_connection(_Client, "127.0.0.1", port)
        clients.append(client)
    database_cpu = DatabaseCpu(database) if database else None
    try:
        await _drive(clients, request, WARM_UP * concurrency)
        server_before = ticks(server_pid) if server_pid else 0
        if database_cpu:
            database_cpu.start()
        client_before = os.times()
        started = time.perf_counter()
        await _drive(clients, request, requests, database_cpu)
        seconds = time.perf_counter() - started
        client_after = os.times()
        server_after = ticks(server_pid) if server_pid else 0
    finally:
        for client in clients:
            client.run = None
            if client.transport is not None:
                client.transport.close()
    return Batch(
        requests,
        seconds,
        (server_after - server_before) / os.sysconf("SC_CLK_TCK"),
        database_cpu.seconds() if database_cpu else None,
        (client_after.user + client_after.system) - (client_before.user + client_before.system),
    )


def _load_process(pipe: Connection) -> None:
    import uvloop

    loop = uvloop.new_event_loop()
    try:
        while (command := pipe.recv()) is not None:
            try:
                pipe.send(loop.run_until_complete(measure(*command)))
            except Exception as error:
                pipe.send(error)
    finally:
        loop.close()


class FixedAnswer(asyncio.Protocol):
    """Answers every request (GET, no body) with the same few bytes: the client's ceiling."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self.pending = b""

    def data_received(self, data: bytes) -> None:
        self.pending += data
        answered = self.pending.count(b"\r\n\r\n")
        self.pending = self.pending[self.pending.rfind(b"\r\n\r\n") + 4 :] if answered else self.pending
        self.transport.write(FIXED_ANSWER * answered)


def _fixed_server(port: int, ready: Any) -> None:
    import uvloop

    loop = uvloop.new_event_loop()
    loop.run_until_complete(loop.create_server(FixedAnswer, "127.0.0.1", port))
    ready.set()
    loop.run_forever()


class LoadGenerator:
    """The load process, kept for the whole run so that starting it is never measured."""

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.pipe, child = self.context.Pipe()
        self.process = self.context.Process(target=_load_process, args=(child,), daemon=True)
        self.process.start()
        child.close()

    async def batch(
        self,
        port: int,
        request: bytes,
        *,
        requests: int,
        concurrency: int,
        server_pid: int | None = None,
        database: str | None = None,
    ) -> Batch:
        self.pipe.send((port, request, requests, concurrency, server_pid, database))
        answer = await asyncio.to_thread(self.pipe.recv)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, Batch)
        return answer

    async def ceiling(self, port: int, *, requests: int, concurrency: int) -> Batch:
        """Requests per second the generator drives against a fixed answer from another process."""
        ready = self.context.Event()
        server = self.context.Process(target=_fixed_server, args=(port, ready), daemon=True)
        server.start()
        try:
            if not await asyncio.to_thread(ready.wait, 30):
                raise RuntimeError("the fixed-answer server did not start")
            request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            return await self.batch(port, request, requests=requests, concurrency=concurrency, server_pid=server.pid)
        finally:
            server.terminate()
            server.join(10)

    def close(self) -> None:
        self.pipe.send(None)
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
