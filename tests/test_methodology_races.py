"""Methodology numbers and revisions under real parallel connections: each party acts through its
own engine (on SQLite the write lock at BEGIN serialises them; on PostgreSQL row locks do)."""

import asyncio
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from models.db import new_session
from models.enums import DecisionMode, Position, Role
from models.errors import DomainError, ErrorCode
from models.principal import Principal
from resolvers.methodologies import propose_methodology, propose_revision
from resolvers.positions import give_position
from resolvers.proposals import circulate_proposal, open_public_input, submit_proposal

SECRETARIAT = Principal(Role.SECRETARIAT, name="JCMA")
JAPAN = Principal(Role.JAPAN, name="MOEJ")
VIET_NAM = Principal(Role.PARTNER, "VN", name="MONRE")


def engines_for(database, count: int) -> list:
    """One small pool per party, so that every party has connections of its own."""
    if database.schema:
        return [database.engine(pool_size=2, max_overflow=0) for _ in range(count)]
    return [database.engine() for _ in range(count)]


async def dispose(engines: list) -> None:
    for extra in engines:
        await extra.dispose()


async def propose(engine, principal: Principal, title: str):
    async with new_session(engine) as session:
        return await propose_methodology(
            session,
            principal,
            committee_code="VN",
            title=title,
            sectoral_scopes=[3],
            proponent="Developer",
            summary="What it does.",
        )


async def circulated_methodologies(engine, frozen_clock, count: int) -> list[int]:
    """`count` VN methodologies through public input (28 Nov – 12 Dec), circulated on 13 Dec and
    consented to by Japan; their proposal ids in order of proposal."""
    ids = []
    async with new_session(engine) as session:
        for n in range(count):
            proposed = await propose_methodology(
                session,
                SECRETARIAT,
                committee_code="VN",
                title=f"Methodology {n + 1}",
                sectoral_scopes=[3],
                proponent="Developer",
            )
            proposal = proposed.proposal
            await submit_proposal(session, SECRETARIAT, proposal_id=proposal.id)
            await open_public_input(session, SECRETARIAT, proposal_id=proposal.id)
            ids.append(proposal.id)
        frozen_clock.set(datetime(2026, 12, 13, 9, 0, tzinfo=UTC))
        for proposal_id in ids:
            await circulate_proposal(
                session, SECRETARIAT, proposal_id=proposal_id, mode=DecisionMode.ELECTRONIC, deadline=date(2026, 12, 31)
            )
            await give_position(session, JAPAN, proposal_id=proposal_id, position=Position.CONSENT)
    return ids


async def consent(engine, principal: Principal, proposal_id: int):
    async with new_session(engine) as session:
        return await give_position(session, principal, proposal_id=proposal_id, position=Position.CONSENT)


async def test_twenty_methodologies_approved_in_parallel_get_am001_to_am020(database, engine, frozen_clock):
    # Given 20 circulated VN methodologies that Japan has consented to
    ids = await circulated_methodologies(engine, frozen_clock, 20)

    # When the partner approves all of them at once, over separate connections
    engines = engines_for(database, 5)
    try:
        results = await asyncio.gather(
            *(consent(engines[n % len(engines)], VIET_NAM, proposal_id) for n, proposal_id in enumerate(ids))
        )
    finally:
        await dispose(engines)
    assert all(result.decision is not None for result in results)

    # Then AM and decision references run 001 to 020 without a gap or a duplicate, each approval
    # taking both numbers in one transaction; the PM references are untouched
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.text(
                    "SELECT m.proposed_reference, m.reference, m.major, m.status, m.approved_on, d.reference, d.serial"
                    " FROM methodology m JOIN decision d ON d.proposal_id = m.proposal_id ORDER BY d.serial"
                )
            )
        ).all()
    assert [(row[1], row[5], row[6]) for row in rows] == [
        (f"VN_AM{n:03d}", f"JC-VN-2026-{n:03d}", n) for n in range(1, 21)
    ]
    assert sorted(row[0] for row in rows) == [f"VN_PM{n:03d}" for n in range(1, 21)]
    assert {(row[2], row[3], str(row[4])) for row in rows} == {(1, "VALID", "2026-12-13")}


async def test_twenty_methodologies_proposed_in_parallel_get_pm001_to_pm020(database, engine):
    # When 20 methodologies of one committee are proposed at once, over separate connections
    engines = engines_for(database, 5)
    parties = [SECRETARIAT, JAPAN, VIET_NAM]
    try:
        results = await asyncio.gather(
            *(propose(engines[n % len(engines)], parties[n % len(parties)], f"Methodology {n + 1}") for n in range(20))
        )
    finally:
        await dispose(engines)

    # Then the PM references run 001 to 020 without a gap or a duplicate, each in its proposal's title
    references = sorted(result.methodology.proposed_reference for result in results)
    assert references == [f"VN_PM{n:03d}" for n in range(1, 21)]
    assert all(
        result.proposal.title == f"{result.methodology.proposed_reference}: {result.methodology.title}"
        for result in results
    )
    async with engine.connect() as connection:
        stored = (
            (await connection.execute(sa.text("SELECT proposed_reference FROM methodology ORDER BY 1"))).scalars().all()
        )
    assert stored == references


async def revise(engine, principal: Principal, reference: str, summary: str):
    async with new_session(engine) as session:
        return await propose_revision(session, principal, reference=reference, summary=summary)


@pytest.mark.parametrize(
    "parties", [(JAPAN, VIET_NAM), (SECRETARIAT, SECRETARIAT)], ids=["both-sides", "secretariat-twice"]
)
async def test_two_revisions_proposed_at_the_same_instant_one_succeeds(database, engine, frozen_clock, parties):
    # Given five approved VN methodologies, and one connection pool per party
    ids = await circulated_methodologies(engine, frozen_clock, 5)
    for proposal_id in ids:
        await consent(engine, VIET_NAM, proposal_id)
    first_engine, second_engine = database.engine(), database.engine()
    try:
        for n in range(1, 6):
            reference = f"VN_AM{n:03d}"

            # When two revisions of the same methodology are proposed at the same instant
            results = await asyncio.gather(
                revise(first_engine, parties[0], reference, "First change."),
                revise(second_engine, parties[1], reference, "Second change."),
                return_exceptions=True,
            )

            # Then exactly one is accepted and the other refused as an invalid transition
            accepted = [result for result in results if not isinstance(result, BaseException)]
            refused = [result for result in results if isinstance(result, BaseException)]
            assert len(accepted) == 1 and len(refused) == 1, results
            assert isinstance(refused[0], DomainError), repr(refused[0])
            assert (refused[0].code, refused[0].message, refused[0].field) == (
                ErrorCode.INVALID_TRANSITION,
                f"A revision of {reference} is already open; decide or withdraw it first.",
                ["reference"],
            )
    finally:
        await first_engine.dispose()
        await second_engine.dispose()

    # and each methodology has one valid version and one open revision, with one proposal each
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.text("SELECT reference, status, count(*) FROM methodology GROUP BY reference, status ORDER BY 1, 2")
            )
        ).all()
        revisions = (
            await connection.execute(sa.text("SELECT count(*) FROM proposal WHERE kind = 'METHODOLOGY_REVISION'"))
        ).scalar_one()
    assert [tuple(row) for row in rows] == [
        (f"VN_AM{n:03d}", status, 1) for n in range(1, 6) for status in ("PROPOSED", "VALID")
    ]
    assert revisions == 5
