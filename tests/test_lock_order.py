"""Concurrent writes in one committee neither deadlock nor fail: every write takes its locks in one
order (models.db), and a transaction PostgreSQL still aborts for a deadlock or a serialization
failure is run again (api.mutations.base). On SQLite the write lock taken at BEGIN serialises them."""

import asyncio
import logging
import random
import sqlite3
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, OperationalError

from api.mutations import base
from models import clock
from models.db import new_session
from resolvers import positions
from resolvers.audit import verify_chain
from resolvers.workflow import move
from tests.support.db import snapshot
from tests.support.documents import CIRCULATE, CONSENT, CREATE, OBJECT, SCHEDULE, WITHDRAW, WORKFLOW_TABLES
from tests.support.methodologies import PROPOSE, chillers
from tests.support.workflow import Workflow


def deadline(days: int = 12) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


async def mixed_writes(flow: Workflow) -> list[tuple[str, str, dict]]:
    """48 writes in the VN committee: creations, positions of both sides on circulated items,
    circulations, withdrawals, methodologies and meetings, shuffled."""
    circulated = [(await flow.circulated(deadline=deadline()))["id"] for _ in range(8)]
    submitted = [(await flow.submitted())["id"] for _ in range(4)]
    drafts = [(await flow.create())["id"] for _ in range(4)]
    writes: list[tuple[str, str, dict]] = []
    for n, proposal_id in enumerate(circulated):
        writes.append((CONSENT, "japan", {"id": proposal_id}))
        if n % 3 == 2:  # an objection decides alone; the partner's later answer is refused
            writes.append((OBJECT, "VN", {"id": proposal_id, "statement": "Not conservative."}))
        else:
            writes.append((CONSENT, "VN", {"id": proposal_id}))
    for proposal_id in submitted:
        writes.append((CIRCULATE, "secretariat", {"id": proposal_id, "mode": "ELECTRONIC", "deadline": deadline()}))
    for proposal_id in drafts:
        writes.append((WITHDRAW, "secretariat", {"id": proposal_id, "reason": "Superseded."}))
    for n in range(12):
        who = ("secretariat", "japan", "VN")[n % 3]
        writes.append((CREATE, who, {"committeeCode": "VN", "kind": "OTHER", "title": f"Item {n}", "summary": "Why."}))
    for n in range(6):
        writes.append((PROPOSE, ("secretariat", "VN")[n % 2], chillers(title=f"Chillers {n}")))
    for n in range(6):
        writes.append((SCHEDULE, "secretariat", {"committeeCode": "VN", "heldOn": deadline(20 + n), "venue": "Hanoi"}))
    assert len(writes) == 48
    random.Random(9).shuffle(writes)
    return writes


async def test_48_mixed_concurrent_writes_in_one_committee_all_succeed_or_get_a_clear_user_error(
    flow, gql, engine, caplog
):
    # Given circulated, submitted and draft proposals in the VN committee
    writes = await mixed_writes(flow)
    signed = {who: await flow.token(who) for who in ("secretariat", "japan", "VN")}

    # When 48 writes by the secretariat and both sides arrive at once
    with caplog.at_level(logging.INFO):
        responses = await asyncio.gather(
            *(gql.raw(document, {"input": input_}, token=signed[who]) for document, who, input_ in writes)
        )

    # Then none failed unexpectedly: each succeeded or was refused with a clear userError
    bodies = [response.json() for response in responses]
    assert [body.get("errors") for body in bodies if "errors" in body] == []
    refused = {
        (name, error["code"])
        for body in bodies
        for name, payload in body["data"].items()
        for error in payload["userErrors"]
    }
    # The partner answering an item Japan objected to; meetings shuffled out of their order
    assert refused <= {("giveConsent", "INVALID_TRANSITION"), ("scheduleMeeting", "INVALID_INPUT")}, refused
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    # And the lock order, not the retry, kept them apart: no write was aborted
    assert not [record for record in caplog.records if "aborted by the database" in record.getMessage()]

    # And every circulated item was decided, under gapless references, and the chain holds
    async with engine.connect() as connection:
        undecided = (
            await connection.execute(sa.text("SELECT count(*) FROM proposal WHERE status = 'UNDER_CONSIDERATION'"))
        ).scalar_one()
        serials = (await connection.execute(sa.text("SELECT serial FROM decision ORDER BY serial"))).scalars().all()
    assert undecided == 4  # the four circulated by this batch
    assert serials == list(range(1, 9))
    async with new_session(engine) as session:
        broken = (await verify_chain(session)).broken
    assert broken is None


class Deadlock(Exception):
    """What asyncpg's error carries when PostgreSQL aborts a deadlock victim."""

    sqlstate = "40P01"


def aborted() -> DBAPIError:
    return DBAPIError("SELECT ... FOR UPDATE", None, Deadlock("deadlock detected"))


async def test_a_write_aborted_for_a_deadlock_is_run_again_in_a_fresh_transaction(flow, monkeypatch, caplog):
    # Given a consent whose first two attempts the database aborts half-way, as a deadlock victim,
    # after the position row, the version step and the history line were added
    proposal = await flow.circulated(deadline=deadline())
    attempts = []

    async def move_then_abort(*args, **kwargs):
        attempts.append(1)
        await move(*args, **kwargs)
        if len(attempts) <= 2:
            raise aborted()

    monkeypatch.setattr(positions, "move", move_then_abort)
    monkeypatch.setattr(base, "RETRY_BACKOFF", 0.001)

    # When Japan consents
    with caplog.at_level(logging.INFO, logger="jcm.api"):
        payload = await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")

    # Then the third attempt succeeded, and only its work remains: one position, one step
    assert len(attempts) == 3
    assert payload["proposal"]["version"] == proposal["version"] + 1
    assert [line["action"] for line in payload["proposal"]["history"]] == [
        "created",
        "submitted",
        "circulated",
        "consented",
    ]
    assert payload["proposal"]["positions"] == [
        {"side": "JAPAN", "position": "CONSENT", "statement": None, "recordedBy": "MOEJ"}
    ]
    # And each retry was logged once, without a traceback, below ERROR
    retries = [record for record in caplog.records if "retrying" in record.getMessage()]
    assert [(record.levelno, record.exc_info) for record in retries] == [(logging.INFO, None)] * 2


async def test_a_write_still_aborted_after_the_last_attempt_is_a_clear_busy_error(flow, engine, monkeypatch, caplog):
    # Given a consent the database aborts every time
    proposal = await flow.circulated(deadline=deadline())
    attempts = []

    async def move_then_abort(*args, **kwargs):
        attempts.append(1)
        await move(*args, **kwargs)
        raise aborted()

    monkeypatch.setattr(positions, "move", move_then_abort)
    monkeypatch.setattr(base, "RETRY_BACKOFF", 0.001)
    before = await snapshot(engine, *WORKFLOW_TABLES)

    # When Japan consents
    with caplog.at_level(logging.INFO):
        payload = await flow.call(CONSENT, {"id": proposal["id"]}, "japan")

    # Then, after the last attempt, a clear userError, no internal error, and no trace left
    assert len(attempts) == base.RETRY_ATTEMPTS
    assert payload["userErrors"] == [
        {
            "code": "BUSY",
            "message": "The database is busy with other changes and nothing was changed: try again in a moment.",
            "field": None,
        }
    ]
    assert await snapshot(engine, *WORKFLOW_TABLES) == before
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]


async def test_sqlite_giving_up_on_its_write_lock_is_a_clear_busy_error(flow, monkeypatch, caplog):
    # Given a consent that finds the database locked past the connection's timeout (SQLite)
    proposal = await flow.circulated(deadline=deadline())

    async def locked(*args, **kwargs):
        raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(positions, "give_position", locked)

    # When Japan consents
    with caplog.at_level(logging.INFO):
        payload = await flow.call(CONSENT, {"id": proposal["id"]}, "japan")

    # Then it is told to try again, at once (SQLite already waited), and nothing is logged as a failure
    assert [error["code"] for error in payload["userErrors"]] == ["BUSY"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
