"""Running `jcm ARGS...` in a test, as the console script does (tests/test_cli.py, test_keys_cli.py,
test_backup.py, test_certificates.py, test_serve_settings.py, test_reconcile.py), pointed at the
test's database by `jcm_on`."""

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.cli import main
from api.settings import Settings, get_settings
from tests.support.db import Database, snapshot

T = TypeVar("T")


@dataclass
class Run:
    code: int
    out: str
    err: str


class Jcm:
    """Runs `jcm ARGS...` in this process, as the console script does, and captures what it says."""

    def __init__(self, database: Database, capsys: pytest.CaptureFixture[str]):
        self.database, self.capsys = database, capsys

    def __call__(self, *argv: str) -> Run:
        self.capsys.readouterr()
        try:
            main(list(argv))
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def on_db(self, fn: Callable[[AsyncEngine], Awaitable[T]]) -> T:
        """Run `fn(engine)` on the test's database, in an event loop of its own."""

        async def run() -> T:
            engine = self.database.engine()
            try:
                return await fn(engine)
            finally:
                await engine.dispose()

        return asyncio.run(run())

    def graphql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> httpx.Response:
        """Post to the app serving the test's database, as a client would."""

        async def post(engine: AsyncEngine) -> httpx.Response:
            app = create_app(
                Settings(database_url=self.database.url, database_schema=self.database.schema), engine=engine
            )
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
                return await client.post(
                    "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
                )

        return self.on_db(post)

    def rows(self, *tables: str) -> dict[str, list[tuple[Any, ...]]]:
        return self.on_db(lambda engine: snapshot(engine, *tables))

    def execute(self, sql: str, **params: Any) -> None:
        async def execute(engine: AsyncEngine) -> None:
            async with engine.begin() as connection:
                await connection.execute(sa.text(sql), params)

        self.on_db(execute)


@contextmanager
def jcm_on(
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key_file: Path | None = None,
    clean: bool = False,
) -> Iterator[Jcm]:
    """`jcm` pointed at the test's database through JCM_* variables, as an operator's shell would,
    with its signing key at `key_file` when given; `clean` first drops every JCM_* variable from
    outside (a test of the settings themselves). The settings cache is cleared on both sides."""
    if clean:
        for name in [name for name in os.environ if name.startswith("JCM_") and name != "JCM_TEST_DATABASE_URL"]:
            monkeypatch.delenv(name)
    monkeypatch.setenv("JCM_DATABASE_URL", database.url)
    if database.schema:
        monkeypatch.setenv("JCM_DATABASE_SCHEMA", database.schema)
    else:
        monkeypatch.delenv("JCM_DATABASE_SCHEMA", raising=False)
    if key_file is not None:
        monkeypatch.setenv("JCM_SIGNING_KEY_FILE", str(key_file))
    get_settings.cache_clear()
    try:
        yield Jcm(database, capsys)
    finally:
        get_settings.cache_clear()
