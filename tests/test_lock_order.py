"""Concurrent writes in one committee neither deadlock nor fail: every write takes its locks in one
order (models.db), and a transaction PostgreSQL still aborts for a deadlock or a serialization
failure is run again (api.mutations.base). On SQLite the write lock taken at BEGIN serialises them."""

import asyncio
import logging
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from api.mutations import base
from models import clock
from models.db import new_session
from resolvers.audit import verify_chain
from tests.test_methodologies import PROPOSE, chillers
from tests.workflow_documents import CIRCULATE, CONSENT, CREATE, OBJECT, SCHEDULE, WITHDRAW, Workflow


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
    gql, tokens, engine, caplog
):
    # Given circulated, submitted and draft proposals in the VN committee
    flow = Workflow(gql, tokens)
    writes = await mixed_writes(flow)
    signed = {who: await flow.token(who) for who in ("secretariat", "japan", "VN")}

    # When 48 writes by the secretariat and both sides arrive at once
    with caplog.at_level(logging.WARNING):
        responses = await asyncio.gather(
            *(gql.raw(document, {"input": input_}, token=signed[who]) for document, who, input_ in writes)
        )

    # Then none failed unexpectedly: each succeeded or was refused with a clear userError
    bodies = [response.json() for response in responses]
    assert [body.get("errors") for body in bodies if "errors" in body] == []
    refused = [
        error["code"] for body in bodies for payload in body["data"].values() for error in payload["userErrors"]
    ]
    assert set(refused) <= {"INVALID_TRANSITION"}, refused  # the partner answering an item already decided
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]

    # And every circulated item was decided, under gapless references, and the chain holds
    async with engine.connect() as connection:
        undecided = (
            await connection.execute(sa.text("SELECT count(*) FROM proposal WHERE status = 'UNDER_CONSIDERATION'"))
        ).scalar_one()
        serials = (await connection.execute(sa.text("SELECT serial FROM decision ORDER BY serial"))).scalars().all()
    assert undecided == 4  # the four circulated by this batch
    assert serials == list(range(1, 9))
    async with new_session(engine) as session:
        _, broken = await verify_chain(session)
    assert broken is None


class Deadlock(Exception):
    """What asyncpg's error carries for a transaction PostgreSQL aborted."""

    sqlstate = "40P01"


async def test_a_write_aborted_for_a_deadlock_is_run_again_in_a_fresh_transaction(gql, tokens, engine, monkeypatch, caplog):
    # Given a write whose first two attempts PostgreSQL aborts as a deadlock victim
    flow = Workflow(gql, tokens)
    proposal = await flow.circulated(deadline=deadline())
    from resolvers import positions

    real, attempts = positions.give_position, []

    async def flaky(session, principal, **kwargs):
        attempts.append(1)
        result = await real(session, principal, **kwargs)
        if len(attempts) <= 2:
            await session.rollback()  # as PostgreSQL does to the victim
            raise DBAPIError("COMMIT", None, Deadlock("deadlock detected"))
        return result

    monkeypatch.setattr(positions, "give_position", flaky)
    monkeypatch.setattr(base, "RETRY_BACKOFF", 0.001)

    # When Japan consents
    with caplog.at_level(logging.INFO, logger="jcm.api"):
        payload = await flow.ok(CONSENT, {"id": proposal["id"]}, "japan")

    # Then the third attempt succeeded, once: one position, one history line, one version step
    assert len(attempts) == 3
    assert payload["proposal"]["version"] == proposal["version"] + 1
    assert [line["action"] for line in payload["proposal"]["history"]].count("CONSENT") == 1
    assert payload["proposal"]["positions"] == [
        {"side": "JAPAN", "position": "CONSENT", "statement": None, "recordedBy": "MOEJ"}
    ]
    retries = [record for record in caplog.records if "retrying" in record.getMessage()]
    assert len(retries) == 2 and all(record.exc_info is None for record in retries)


async def test_a_write_still_deadlocked_after_the_last_attempt_is_a_clear_error(gql, tokens, engine, monkeypatch, snapshot):
    flow = Workflow(gql, tokens)
    proposal = await flow.circulated(deadline=deadline())
    from resolvers import positions

    async def always(session, principal, **kwargs):
        raise DBAPIError("SELECT", None, Deadlock("deadlock detected"))

    monkeypatch.setattr(positions, "give_position", always)
    monkeypatch.setattr(base, "RETRY_BACKOFF", 0.001)
    before = await snapshot(engine, "proposal", "side_position", "audit_event")

    payload = await flow.call(CONSENT, {"id": proposal["id"]}, "japan")

    assert payload["userErrors"] == [
        {"code": "BUSY", "field": None, "message": pytest.approx(payload["userErrors"][0]["message"])}
    ]
    assert "try again" in payload["userErrors"][0]["message"]
    assert await snapshot(engine, "proposal", "side_position", "audit_event") == before
