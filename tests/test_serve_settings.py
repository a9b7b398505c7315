"""What `jcm serve` and the uvicorn factory do with their settings before serving: a bad JCM_*
variable is one line naming it (exit 2, no traceback, nothing created), several workers are
refused on SQLite, and a stop waits for open connections only JCM_SHUTDOWN_TIMEOUT_S seconds.

`jcm serve` is run in this process with uvicorn.run replaced (`served`): what it would have handed
uvicorn is checked, and the shutdown itself is shown on a real uvicorn server given those values.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import close_listeners, create_app
from api.settings import get_settings
from tests.support.cli import Jcm, Run, jcm_on
from tests.support.db import PG_URL, Database
from tests.support.websocket import init, subscribe
from tests.support.websocket import socket as ws_socket

ROOT = Path(__file__).resolve().parent.parent
CORS_HINT = "write a JSON list, e.g. '[\"https://jcm.example.org\"]'"
SQLITE_WORKERS = (
    "needs PostgreSQL: on SQLite each worker process would see only its own decisions, and subscriptions would "
    "silently miss the others'. Serve with one worker, or scale out on PostgreSQL "
    "(JCM_DATABASE_URL=postgresql+asyncpg://user@host:5432/jcm), whose NOTIFY reaches every worker."
)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "jcm-signing-key.pem"


@pytest.fixture
def jcm(
    database: Database, key_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Jcm]:
    """`jcm` on the test's (empty) database, its signing key in tmp_path, no JCM_* left from outside."""
    with jcm_on(database, monkeypatch, capsys, key_file, clean=True) as jcm:
        yield jcm


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `jcm serve` would have handed uvicorn; no server is started."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def nothing_created(jcm: Jcm, key_file: Path) -> bool:
    tables = jcm.on_db(engine_tables)
    return not key_file.exists() and tables == []


async def engine_tables(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())


# --- a bad setting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variable, value, command, problem",
    [
        (
            "JCM_CORS_ORIGINS",
            "https://a.example",
            ["serve"],
            f"not valid JSON (Expecting value: line 1 column 1 (char 0)); {CORS_HINT}",
        ),
        ("JCM_CORS_ORIGINS", "[1]", ["migrate"], "Input should be a valid string (got 1)"),
        ("JCM_PORT", "-1", ["serve"], "Input should be greater than or equal to 0 (got '-1')"),
        (
            "JCM_RATE_LIMIT",
            "lots",
            ["token", "list"],
            'not `limits` notation such as "600/minute" or "10/second;600/minute" (got \'lots\')',
        ),
        ("JCM_WORKERS", "0", ["serve"], "Input should be greater than or equal to 1 (got '0')"),
        (
            "JCM_SHUTDOWN_TIMEOUT_S",
            "soon",
            ["backup", "copy.db"],
            "Input should be a valid integer, unable to parse string as an integer (got 'soon')",
        ),
        (
            "JCM_LOG_LEVEL",
            "loud",
            ["audit", "verify"],
            "must be one of critical, error, warning, info, debug (got 'loud')",
        ),
    ],
    ids=["cors-not-json", "cors-not-strings", "port", "rate-limit", "workers", "shutdown-timeout", "log-level"],
)
def test_a_bad_setting_is_one_line_naming_the_variable_and_nothing_starts(
    jcm, key_file, served, monkeypatch, variable, value, command, problem
):
    # Given a bad value in the environment
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()

    # When any command runs
    run = jcm(*command)

    # Then one line names the variable and what is wrong; exit 2; nothing was created or served
    index = "[0]" if value == "[1]" else ""
    assert run == Run(2, "", f"error: {variable}{index}: {problem}\n")
    assert served == []
    assert nothing_created(jcm, key_file)


def test_the_uvicorn_factory_reports_a_bad_setting_in_one_line_too(tmp_path):
    # Given a bad setting, and the service started by uvicorn itself
    environment = {
        **os.environ,
        "JCM_CORS_ORIGINS": "https://a.example",
        "JCM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
    }

    # When
    started = subprocess.run(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:asgi_app", "--port", "0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    # Then it stops at once with the same line, no traceback
    assert (started.returncode, started.stdout) == (2, "")
    assert (
        started.stderr.strip().splitlines()[-1]
        == f"error: JCM_CORS_ORIGINS: not valid JSON (Expecting value: line 1 column 1 (char 0)); {CORS_HINT}"
    )
    assert "Traceback" not in started.stderr


# --- workers ---------------------------------------------------------------------------------------


@pytest.mark.skipif(bool(PG_URL), reason="SQLite")
@pytest.mark.parametrize("how, asked", [(["--workers", "2"], "--workers 2"), ([], "JCM_WORKERS=2")])
def test_several_workers_on_sqlite_are_refused_before_anything_starts(jcm, key_file, served, monkeypatch, how, asked):
    # Given two workers asked for, by option or by setting, on SQLite
    if not how:
        monkeypatch.setenv("JCM_WORKERS", "2")
        get_settings.cache_clear()

    # When
    run = jcm("serve", *how)

    # Then refused, naming PostgreSQL as the way to scale out; no key, no migration, no server
    assert run == Run(2, "", f"error: {asked} {SQLITE_WORKERS}\n")
    assert served == []
    assert nothing_created(jcm, key_file)


def test_the_workers_option_overrides_the_setting(jcm, served, monkeypatch):
    # Given JCM_WORKERS=4 (which SQLite would refuse)
    monkeypatch.setenv("JCM_WORKERS", "4")
    get_settings.cache_clear()

    # When one worker is asked for on the command line
    run = jcm("serve", "--workers", "1")

    # Then one worker is served
    assert run.code == 0, run
    assert served[0]["workers"] == 1


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL: NOTIFY reaches every worker")
def test_several_workers_are_served_on_postgresql(jcm, served, monkeypatch):
    monkeypatch.setenv("JCM_WORKERS", "3")
    get_settings.cache_clear()

    assert jcm("serve").code == 0
    assert jcm("serve", "--workers", "2").code == 0

    assert [call["workers"] for call in served] == [3, 2]


def test_workers_below_one_is_a_usage_error(jcm, key_file, served):
    run = jcm("serve", "--workers", "0")

    assert (run.code, run.err.splitlines()[-1]) == (2, "jcm serve: error: argument --workers: 0 is below 1")
    assert served == []
    assert nothing_created(jcm, key_file)


# --- graceful shutdown -------------------------------------------------------------------------------


@pytest.mark.parametrize("value, handed", [(None, 10), ("3", 3), ("0", None)])
def test_serve_hands_uvicorn_the_shutdown_timeout(jcm, served, monkeypatch, value, handed):
    # Given JCM_SHUTDOWN_TIMEOUT_S unset (10 s), 3, or 0 (wait however long connections last)
    if value is not None:
        monkeypatch.setenv("JCM_SHUTDOWN_TIMEOUT_S", value)
        get_settings.cache_clear()

    # When
    assert jcm("serve").code == 0

    # Then
    assert served[0]["timeout_graceful_shutdown"] == handed


async def test_a_stop_does_not_wait_longer_than_the_timeout_for_open_streams(jcm, served, monkeypatch, database):
    # Given the settings `jcm serve` hands uvicorn with JCM_SHUTDOWN_TIMEOUT_S=1
    monkeypatch.setenv("JCM_SHUTDOWN_TIMEOUT_S", "1")
    get_settings.cache_clear()
    assert (await asyncio.to_thread(jcm, "serve")).code == 0
    handed = served[0]

    # And a real server with them, holding an open subscription and a request whose body never ends
    app = create_app(get_settings())
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            ws="websockets-sansio",
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=handed["timeout_graceful_shutdown"],
            ws_max_size=handed["ws_max_size"],
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]

    class Live:
        ws_url = f"ws://127.0.0.1:{port}/graphql"

    slow = socket.create_connection(("127.0.0.1", port))
    slow.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
    try:
        async with ws_socket(Live) as ws:
            assert (await init(ws))["type"] == "connection_ack"
            await subscribe(ws, "1", "subscription { decisionMade { reference } }")
            await asyncio.sleep(0.2)

            # When the server is told to stop
            began = time.monotonic()
            server.should_exit = True
            await asyncio.wait_for(serving, timeout=15)
            took = time.monotonic() - began

        # Then it stopped after about the timeout, not waiting for the request that never ends
        assert took < 5, took
    finally:
        slow.close()
        await close_listeners(app)
        await app.state.engine.dispose()


@pytest.mark.parametrize(("setting", "proxy_headers", "allowed"), [(None, False, None), ("10.0.0.5", True, "10.0.0.5")])
def test_forwarded_headers_are_believed_only_from_the_proxies_named(
    jcm, served, monkeypatch, setting, proxy_headers, allowed
):
    # Given no JCM_FORWARDED_ALLOW_IPS, or one proxy's address
    if setting:
        monkeypatch.setenv("JCM_FORWARDED_ALLOW_IPS", setting)
        get_settings.cache_clear()

    # When the service is served
    run = jcm("serve")

    # Then uvicorn reads X-Forwarded-For only from that proxy; by default from nobody (not even 127.0.0.1)
    assert run.code == 0, run
    assert (served[0]["proxy_headers"], served[0]["forwarded_allow_ips"]) == (proxy_headers, allowed)
