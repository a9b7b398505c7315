"""Races are designed, not hoped away: parallel positions yield one decision, parallel decisions
gapless references. Each party acts through its own engine, so the database sees real parallel
connections (on SQLite the write lock at BEGIN serialises them)."""

import asyncio

import sqlalchemy as sa

from models.db import new_session
from models.enums import Position, Role
from models.principal import Principal
from resolvers.positions import give_position
from tests.support.workflow import circulated_proposals

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")
JAPAN = Principal(Role.JAPAN, name="MOEJ")
VIET_NAM = Principal(Role.PARTNER, "VN", name="MONRE")


async def consent(engine, principal: Principal, proposal_id: int):
    async with new_session(engine) as session:
        return await give_position(session, principal, proposal_id=proposal_id, position=Position.CONSENT)


async def test_both_sides_consenting_at_the_same_instant_yield_exactly_one_decision(database, engine, frozen_clock):
    # Given 20 circulated proposals and one connection pool per side
    ids = await circulated_proposals(engine, 20)
    japan_engine, partner_engine = database.engine(), database.engine()
    try:
        for proposal_id in ids:
            # When both sides consent at the same instant
            results = await asyncio.gather(
                consent(japan_engine, JAPAN, proposal_id), consent(partner_engine, VIET_NAM, proposal_id)
            )

            # Then exactly one of them took the decision
            decisions = [result.decision for result in results if result.decision is not None]
            assert len(decisions) == 1, proposal_id
    finally:
        await japan_engine.dispose()
        await partner_engine.dispose()

    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT reference FROM decision ORDER BY serial"))).scalars().all()
        positions = (await connection.execute(sa.text("SELECT count(*) FROM side_position"))).scalar_one()
    assert rows == [f"JC-VN-2026-{n:03d}" for n in range(1, 21)]
    assert positions == 40


async def test_fifty_proposals_decided_in_parallel_get_references_001_to_050(database, engine, frozen_clock):
    # Given 50 proposals of one committee that Japan has consented to
    ids = await circulated_proposals(engine, 50)
    for proposal_id in ids:
        await consent(engine, JAPAN, proposal_id)

    # When the partner decides all of them at once, over separate connections
    engines = (
        [database.engine(pool_size=2, max_overflow=0) for _ in range(5)]
        if database.schema
        else [database.engine() for _ in range(5)]
    )
    try:
        await asyncio.gather(
            *(consent(engines[n % len(engines)], VIET_NAM, proposal_id) for n, proposal_id in enumerate(ids))
        )
    finally:
        for extra in engines:
            await extra.dispose()

    # Then the references run 001 to 050 without a gap or a duplicate
    async with engine.connect() as connection:
        references = (
            (await connection.execute(sa.text("SELECT reference FROM decision ORDER BY serial"))).scalars().all()
        )
        serials = (await connection.execute(sa.text("SELECT serial FROM decision ORDER BY serial"))).scalars().all()
    assert sorted(references) == [f"JC-VN-2026-{n:03d}" for n in range(1, 51)]
    assert serials == list(range(1, 51))
