"""The state of everything published, as one number that changes with every change.

The number is the newest audit event's id (every change appends one). It is read from the
database once and kept until a change is committed: by this process (the engine's commit event)
or, on PostgreSQL, by any other (each write transaction sends NOTIFY, which arrives here).
"""

import asyncio
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.audit import AuditEvent
from models.db import CHANGED_CHANNEL


class PublicationVersion:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self._version: int | None = None
        self._listener: AsyncConnection | None = None
        self._starting = asyncio.Lock()
        event.listen(engine.sync_engine, "commit", self._invalidate)

    def _invalidate(self, *_: Any) -> None:
        self._version = None

    async def current(self) -> int:
        if self.engine.dialect.name == "postgresql" and self._listener is None:
            await self._listen()
        version = self._version
        if version is None:
            async with self.engine.connect() as connection:
                statement = sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0))
                version = (await connection.execute(statement)).scalar_one()
            # A commit that raced the read leaves the cache empty rather than stale.
            if self._version is None:
                self._version = version
        return version

    async def _listen(self) -> None:
        async with self._starting:
            if self._listener is not None:
                return
            connection = await self.engine.connect()
            raw = await connection.get_raw_connection()
            await raw.driver_connection.add_listener(CHANGED_CHANNEL, lambda *_: self._invalidate())
            self._listener = connection
            self._version = None  # changes before we listened are unknown to us

    async def aclose(self) -> None:
        event.remove(self.engine.sync_engine, "commit", self._invalidate)
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
