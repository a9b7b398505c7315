"""Running the README's client examples (tests/clients/) against the `live_server` fixture: the
scripts as child processes of the test's event loop (the server runs in that loop too, so nothing
here may block it), each bounded in time; and knowing when a subscription is really listening
on the server, so that the decision a test then takes cannot be published before it."""

import asyncio
import json
import os
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from resolvers.events import DecisionBroker

CLIENTS = Path(__file__).resolve().parent.parent / "clients"
TIMEOUT = 10  # for what a client waits on: an answer, a subscription opening, a decision
# A script's whole life, its interpreter's start included: a cold Python importing gql or Node
# loading Apollo Client takes about a second, but ten on a loaded CI machine (seen once).
LIFETIME = 30


def node_ready() -> str:
    """The path of `node`, with tests/clients' packages installed (`npm ci` when node_modules is
    missing or older than the lockfile). Without Node the examples are skipped, but not in CI
    (CI set), where a machine without Node must fail rather than pass without running them."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = "node" if node is None else "npm"
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is not installed: CI must run the Node client examples (tests/clients/)")
        pytest.skip(f"{missing} is not installed: the Node client examples (tests/clients/) need it")
    installed = CLIENTS / "node_modules" / ".package-lock.json"
    lock = CLIENTS / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENTS, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            pytest.fail(f"npm ci in tests/clients failed:\n{done.stdout}\n{done.stderr}")
    return node


class ClientScript:
    """One running script; `output()` is its stdout as JSON once it exits (LIFETIME after its
    start at most)."""

    def __init__(self, name: str, process: asyncio.subprocess.Process):
        self.name, self.process = name, process
        self.deadline = asyncio.get_running_loop().time() + LIFETIME

    def left(self) -> float:
        return max(0.0, self.deadline - asyncio.get_running_loop().time())

    async def output(self) -> Any:
        try:
            stdout, stderr = await asyncio.wait_for(self.process.communicate(), timeout=self.left())
        except TimeoutError:
            pytest.fail(f"{self.name} did not finish within {LIFETIME} s of its start:\n{await self.stop()}")
        assert self.process.returncode == 0, f"{self.name} exited {self.process.returncode}:\n{stderr.decode()}"
        return json.loads(stdout)

    async def meanwhile(self, awaitable: Awaitable[Any]) -> None:
        """Await `awaitable` while the script runs: fail with what the script said if it exits
        first (it could not connect, say) or if 10 s pass."""
        if not await meanwhile(awaitable, self.process.wait(), timeout=max(TIMEOUT, self.left())):
            said = await self.stop()
            pytest.fail(f"{self.name} exited {self.process.returncode} or hung, with nothing awaited:\n{said}")

    async def stop(self) -> str:
        """Kill it if still running; what it wrote to stderr."""
        if self.process.returncode is None:
            self.process.kill()
        _, stderr = await self.process.communicate()
        return stderr.decode()


@asynccontextmanager
async def client_script(program: str, *arguments: str, **env: str) -> AsyncIterator[ClientScript]:
    """`program *arguments` in tests/clients/, with `env` added to this process's environment;
    killed on the way out if still running."""
    process = await asyncio.create_subprocess_exec(
        program,
        *arguments,
        cwd=CLIENTS,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    script = ClientScript(" ".join(arguments), process)
    try:
        yield script
    finally:
        await script.stop()


async def meanwhile(awaitable: Awaitable[Any], running: Awaitable[Any], timeout: float = TIMEOUT) -> bool:
    """Await `awaitable` (`timeout` seconds at most) while `running` (a client) has not ended: True when it was
    done first; False when the client ended or the time ran out. A client's failure (it could not
    connect, say) is raised at once rather than after the 10 s."""
    waited, ended = asyncio.ensure_future(awaitable), asyncio.ensure_future(running)
    done, _ = await asyncio.wait({waited, ended}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    ours = [waited] if ended is running else [waited, ended]  # a task passed in is the caller's to end
    for future in ours:
        future.cancel()
    await asyncio.gather(*ours, return_exceptions=True)
    if waited in done:
        waited.result()
        return True
    if ended in done:
        ended.result()  # raises what the client raised
    return False


class Subscribers:
    """Counts the decision subscriptions opened on the server (the broker's queues), in any app of
    this process. A client's "subscribed" is no proof: the server opens the operation's queue in a
    task of its own, after the subscribe message was read."""

    def __init__(self) -> None:
        self.opened = 0
        self._changed = asyncio.Event()

    async def wait(self, count: int = 1) -> None:
        """Until `count` subscriptions were opened; bounded by the caller (`meanwhile`)."""
        async with asyncio.timeout(LIFETIME):
            while self.opened < count:
                await self._changed.wait()
                self._changed.clear()

    def _open(self) -> None:
        self.opened += 1
        self._changed.set()


@contextmanager
def counting_subscribers() -> Iterator[Subscribers]:
    subscribers = Subscribers()
    original = DecisionBroker.subscribe

    @asynccontextmanager
    async def subscribe(broker: DecisionBroker) -> AsyncIterator[asyncio.Queue]:
        async with original(broker) as queue:
            subscribers._open()
            yield queue

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DecisionBroker, "subscribe", subscribe)
        yield subscribers


def untested_blocks(markdown: str) -> list[str] | None:
    """The Python and JavaScript code blocks of the "## Clients" section of `markdown` that are not
    part of a file in tests/clients/ (so not run by the tests); None when there is no such section."""
    if "\n## Clients\n" not in markdown:
        return None
    section = markdown.split("\n## Clients\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:python|js|javascript)\n(.*?)```", section, flags=re.DOTALL)
    sources = [path.read_text(encoding="utf-8") for path in [*CLIENTS.glob("*.py"), *CLIENTS.glob("*.mjs")]]
    return [block for block in blocks if not any(block in source for source in sources)]
