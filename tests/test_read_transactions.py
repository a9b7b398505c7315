"""A query reads without a BEGIN/ROLLBACK pair on PostgreSQL, where READ COMMITTED gives each
statement its own snapshot anyway; a mutation still writes in one transaction; SQLite is unchanged.

What PostgreSQL is sent is read off the wire: asyncpg's query logger sees every simple-protocol
command (BEGIN, COMMIT, ROLLBACK), and SQLAlchemy's cursor events see the SELECTs and, on SQLite,
the BEGIN our engine issues itself.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import is_sqlite
from tests.support.documents import CREATE, DECISIONS

READ = """
query {
  committees { code name { en } }
  decisions(first: 20) { totalCount edges { node { reference } } }
}
"""
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


class Wire:
    def __init__(self) -> None:
        self.sent: list[str] = []

    @property
    def control(self) -> list[str]:
        """The transaction control sent, in order (BEGIN with its options, COMMIT, ROLLBACK)."""
        return [s.strip().rstrip(";") for s in self.sent if s.strip().upper().startswith(CONTROL)]

    @property
    def selects(self) -> int:
        return sum(1 for s in self.sent if s.lstrip().upper().startswith("SELECT"))


@contextmanager
def on_the_wire(engine: AsyncEngine) -> Iterator[Wire]:
    """Everything the app sends through `engine` meanwhile (asyncpg's commands included)."""
    wire = Wire()

    def logged(record: Any) -> None:
        wire.sent.append(record.query)

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        wire.sent.append(statement)

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        if not is_sqlite(engine):
            dbapi_connection.driver_connection.add_query_logger(logged)

    def checkin(dbapi_connection: Any, *_: Any) -> None:
        if not is_sqlite(engine) and dbapi_connection is not None:
            dbapi_connection.driver_connection.remove_query_logger(logged)

    listeners = [("before_cursor_execute", on_execute), ("checkout", checkout), ("checkin", checkin)]
    for name, fn in listeners:
        event.listen(engine.sync_engine if name == "before_cursor_execute" else engine.sync_engine.pool, name, fn)
    try:
        yield wire
    finally:
        for name, fn in listeners:
            event.remove(engine.sync_engine if name == "before_cursor_execute" else engine.sync_engine.pool, name, fn)


async def settled() -> None:
    """asyncpg hands a logged command to its loggers with call_soon: let them run."""
    await asyncio.sleep(0)


async def test_a_query_reads_without_begin_or_rollback_on_postgresql(gql, engine):
    # Given a seeded database
    # When a query reads committees and decisions
    with on_the_wire(engine) as wire:
        data = await gql(READ)
        await settled()

    # Then it read them with SELECTs alone on PostgreSQL, and in one snapshot (BEGIN) on SQLite
    assert len(data["committees"]) == 30
    assert wire.selects >= 2, wire.sent
    if is_sqlite(engine):
        assert wire.control == ["BEGIN"], wire.sent
    else:
        assert wire.control == [], wire.sent


async def test_a_token_holders_query_reads_its_token_without_begin_or_rollback_on_postgresql(gql, engine, tokens):
    # Given Japan's token
    token = await tokens.japan()

    # When Japan's client reads committees and decisions
    with on_the_wire(engine) as wire:
        data = await gql(READ, token=token)
        await settled()

    # Then the token's lookup, like the query, was SELECTs alone on PostgreSQL
    assert len(data["committees"]) == 30
    assert wire.control == (["BEGIN", "BEGIN"] if is_sqlite(engine) else []), wire.sent


async def test_many_queries_in_a_row_send_no_transaction_control_on_postgresql(gql, engine):
    # Given connections that have served reads and gone back to the pool
    await gql(READ)

    # When more queries run on them
    with on_the_wire(engine) as wire:
        for _ in range(3):  # asked afresh each time: an answer from the response cache would send nothing
            response = await gql.http.post("/graphql", json={"query": READ}, headers={"Cache-Control": "no-cache"})
            assert response.status_code == 200 and "errors" not in response.json()
        await settled()

    # Then the pool's return (reset-on-return) sent no ROLLBACK either
    assert wire.control == (["BEGIN"] * 3 if is_sqlite(engine) else []), wire.sent


async def test_a_mutation_still_writes_in_one_transaction_after_reads(flow, gql, engine):
    # Given connections that have served reads, and the secretariat's token
    await gql(READ)
    await flow.token("secretariat")

    # When a mutation creates a proposal
    with on_the_wire(engine) as wire:
        payload = await flow.ok(
            CREATE, {"committeeCode": "VN", "kind": "OTHER", "title": "Interim measures"}, "secretariat"
        )
        await settled()

    # Then it wrote in one transaction that took the write lock at its start and committed
    assert payload["proposal"]["status"] == "DRAFT"
    if is_sqlite(engine):
        assert wire.control.count("BEGIN IMMEDIATE") == 1, wire.sent
    else:
        # Named at the server's default level, READ COMMITTED, since the pool reset the connection to it
        # by name after a read; the token's lookup and the payload's reads (not a query's) keep theirs too.
        commit = wire.control.index("COMMIT")
        assert wire.control[commit - 1].upper() in ("BEGIN", "BEGIN ISOLATION LEVEL READ COMMITTED"), wire.sent
        assert wire.control.count("COMMIT") == 1, wire.sent
        assert sum("pg_advisory_xact_lock" in s for s in wire.sent) == 1, wire.sent


async def test_a_query_answers_the_same_after_a_write(flow, gql, engine):
    # Given a decided proposal
    decided = await flow.decided()

    # When the public lists decisions
    data = await gql(DECISIONS, {"first": 5})

    # Then it sees the committed decision
    assert [edge["node"]["reference"] for edge in data["decisions"]["edges"]] == [decided["decision"]["reference"]]
