"""What operators and orchestrators ask the service about itself, beside /healthz.

- `/readyz`: whether this process can serve now: the database answers `SELECT 1` and, on
  PostgreSQL, the process's LISTEN connection (resolvers/listener.py) is connected, without which
  subscriptions hear nothing and cached answers cannot learn of other processes' changes. 200
  `{"status": "ready", ...}`, or 503 naming the part that is down. A load balancer should send
  traffic only to ready processes. (`/healthz` answers for the database too, with the response
  cache's statistics, and stays as it was for the monitors already using it.)
- `/version`: the package's version, the git commit it was built from when known
  (`JCM_GIT_COMMIT`, else `git rev-parse HEAD` in the code's folder), the code's migration head
  and the revision the database is at: a deployment whose two revisions differ was not migrated.
"""

import asyncio
import logging
import os
import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from models.db import ping
from models.migrations import config
from resolvers.listener import Listener

logger = logging.getLogger("jcm.probes")

PACKAGE = "jcm-joint-committee-api"
PROBE_TIMEOUT = 5.0  # seconds: a probe answers 503 rather than hang with the database


@cache
def code_version() -> dict[str, str | None]:
    """What the running code is: read once, it does not change while the process runs."""
    try:
        package = version(PACKAGE)
    except PackageNotFoundError:
        package = None
    return {
        "version": package,
        "commit": os.environ.get("JCM_GIT_COMMIT") or _git_commit(),
        "migrationHead": ScriptDirectory.from_config(config("")).get_current_head(),
    }


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


async def _database_revision(engine: AsyncEngine) -> str | None:
    """The migration the database is at; None when it has no alembic_version table (built by
    create_all, as the tests do) or cannot be read."""
    try:
        async with engine.connect() as connection:
            return (await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar()
    except Exception:
        return None


def probe_routes(engine: AsyncEngine, listener: Listener | None) -> list[Route]:
    async def readyz(request: Request) -> Response:
        checks: dict[str, Any] = {}
        try:
            await asyncio.wait_for(ping(engine), PROBE_TIMEOUT)
            checks["database"] = "reachable"
        except Exception as error:  # a probe repeats every few seconds: one line, no traceback
            logger.warning("readiness: the database is unreachable (%s)", type(error).__name__)
            checks["database"] = "unreachable"
        if listener is not None:
            if not listener.connected:  # never started (no subscriber yet), or lost and reconnecting
                try:
                    await asyncio.wait_for(listener.start(), PROBE_TIMEOUT)
                except Exception as error:
                    logger.warning("readiness: the LISTEN connection cannot start (%s)", type(error).__name__)
            checks["listener"] = "connected" if listener.connected else "disconnected"
        ready = checks["database"] == "reachable" and checks.get("listener", "connected") == "connected"
        return JSONResponse({"status": "ready" if ready else "unavailable", **checks}, 200 if ready else 503)

    async def version_info(request: Request) -> Response:
        return JSONResponse({**code_version(), "databaseRevision": await _database_revision(engine)})

    return [Route("/readyz", readyz, methods=["GET"]), Route("/version", version_info, methods=["GET"])]
