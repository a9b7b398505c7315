"""Apps with settings of a test's own, and HTTP clients on them (limits, timeouts, costs)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings


def app_with(settings: Settings, engine, **overrides: Any) -> Starlette:
    limited = Settings(database_url=settings.database_url, database_schema=settings.database_schema, **overrides)
    return create_app(limited, engine=engine)


@asynccontextmanager
async def http(app: Starlette, **transport: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, **transport), base_url="http://test") as client:
        yield client
