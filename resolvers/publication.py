"""The state of everything published, as one number that changes with every change.

The number is the newest audit event's id (every change appends one). It is read from the
database once and kept until a change is committed: by this process (the engine's commit event);
on PostgreSQL by any other (each write transaction sends NOTIFY, which arrives here); on SQLite by
any other process too (SQLite's `PRAGMA data_version`, read on a connection of our own, changes
whenever another connection commits; reading it touches no table and costs microseconds).
While the process's LISTEN connection is lost (PostgreSQL), other processes' commits go unheard:
the number is then read afresh for every request, and dropped again when the connection is back.
"""

import sqlite3
import weakref
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from models.audit import AuditEvent
from models.db import CHANGED_CHANNEL
from resolvers.listener import Listener


class PublicationVersion:
    def __init__(self, engine: AsyncEngine, listener: Listener | None = None):
        """`listener`: the process's LISTEN connection (PostgreSQL); None on SQLite."""
        self.engine = engine
        self._version: int | None = None
        self._generation = 0  # counts invalidations, so that a read racing a commit is not kept
        self._data_version: int | None = None
        self._listener = listener
        if self._listener is not None:
            self._listener.on(CHANGED_CHANNEL, lambda _payload: self._invalidate())
            self._listener.on_reconnect(lambda: self._invalidate())
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self._database_file = database if database and database != ":memory:" else None
        self._probe: sqlite3.Connection | None = None
        event.listen(engine.sync_engine, "commit", self._invalidate)

    def _invalidate(self, *_: Any) -> None:
        self._generation += 1
        self._version = None

    def _sqlite_data_version(self, database_file: str) -> int:
        if self._probe is None:
            self._probe = sqlite3.connect(database_file, check_same_thread=False)
            weakref.finalize(self, self._probe.close)
        return self._probe.execute("PRAGMA data_version").fetchone()[0]

    async def current(self) -> int:
        if self._listener is not None:
            if not self._listener.connected:
                await self._listener.start()
            if not self._listener.connected:  # lost, reconnecting: commits elsewhere go unheard
                self._invalidate()
        if self._database_file:
            data_version = self._sqlite_data_version(self._database_file)
            if data_version != self._data_version:
                self._data_version = data_version
                self._invalidate()
        if self._version is not None:
            return self._version
        generation = self._generation
        async with self.engine.connect() as connection:
            # COALESCE makes it an int; type_coerce (no SQL of its own) tells the typing so.
            statement = sa.select(sa.type_coerce(sa.func.coalesce(sa.func.max(AuditEvent.id), 0), sa.Integer))
            version = (await connection.execute(statement)).scalar_one()
        if self._generation == generation:  # no commit while we read: safe to keep
            self._version = version
        return version

    async def aclose(self) -> None:
        event.remove(self.engine.sync_engine, "commit", self._invalidate)
        if self._probe is not None:
            self._probe.close()
            self._probe = None
