"""The state of everything published, as one number that changes with every change.

The number is the newest audit event's id (every change appends one). It is read from the
database once and kept until a change is committed: by this process (the engine's commit event);
on PostgreSQL by any other (each write transaction sends NOTIFY, which arrives here); on SQLite by
any other process too (a commit changes the database files, which a stat() per request notices).
"""

import asyncio
import os
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
        self._generation = 0  # counts invalidations, so that a read racing a commit is not kept
        self._files_seen: tuple[Any, ...] | None = None
        self._listener: AsyncConnection | None = None
        self._starting = asyncio.Lock()
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self._files = [database, f"{database}-wal"] if database and database != ":memory:" else []
        event.listen(engine.sync_engine, "commit", self._invalidate)

    def _invalidate(self, *_: Any) -> None:
        self._generation += 1
        self._version = None

    def _files_stamp(self) -> tuple[Any, ...]:
        stamps = []
        for path in self._files:
            try:
                info = os.stat(path)
                stamps.append((info.st_mtime_ns, info.st_size))
            except FileNotFoundError:
                stamps.append(None)
        return tuple(stamps)

    async def current(self) -> int:
        if self.engine.dialect.name == "postgresql" and self._listener is None:
            await self._listen()
        if self._files:
            stamp = self._files_stamp()
            if stamp != self._files_seen:
                self._files_seen = stamp
                self._invalidate()
        version = self._version
        if version is None:
            generation = self._generation
            async with self.engine.connect() as connection:
                statement = sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0))
                version = (await connection.execute(statement)).scalar_one()
            if self._generation == generation:  # no commit while we read: safe to keep
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
