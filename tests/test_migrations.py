"""Migrations build exactly the tables the models declare, and seeding is idempotent."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import select

import models
from models.db import new_session
from models.migrations import upgrade_on
from models.search_index import is_search_object
from seed.data import PARTNERS, RULE_DOCUMENT_KINDS, SECTORAL_SCOPES
from seed.loader import load
from tests.support.db import snapshot

SEEDED_TABLES = ("country", "joint_committee", "sectoral_scope", "rule_document_kind", "rule_document")


def differences(connection: Connection) -> list:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "include_object": lambda _object, name, _type, _reflected, _compare: not is_search_object(name),
        },
    )
    return compare_metadata(context, models.metadata)


async def test_a_migrated_database_matches_the_models_exactly(database):
    # Given an empty database
    engine = database.engine()
    async with engine.connect() as connection:
        # When it is migrated to head
        await connection.run_sync(upgrade_on)
        await connection.commit()

        # Then autogenerate finds nothing left to do
        assert await connection.run_sync(differences) == []
    await engine.dispose()


async def test_migrating_twice_changes_nothing(database):
    engine = database.engine()
    async with engine.connect() as connection:
        await connection.run_sync(upgrade_on)
        await connection.commit()
        await connection.run_sync(upgrade_on)
        await connection.commit()
        assert await connection.run_sync(differences) == []
    await engine.dispose()


async def test_seed_loads_the_reference_data(engine):
    rows = await snapshot(engine, *SEEDED_TABLES)

    assert len(rows["country"]) == 1 + len(PARTNERS) == 31
    assert len(rows["joint_committee"]) == 30
    assert len(rows["sectoral_scope"]) == len(SECTORAL_SCOPES) == 15
    assert len(rows["rule_document_kind"]) == len(RULE_DOCUMENT_KINDS) == 10
    assert len(rows["rule_document"]) == 30 * 10  # each committee's own line of each document


async def test_a_second_seed_changes_nothing(engine):
    # Given a seeded database
    before = await snapshot(engine, *SEEDED_TABLES)

    # When the seed runs again
    async with new_session(engine) as session:
        report = await load(session)

    # Then
    assert (report.inserted, report.updated) == (0, 0)
    assert await snapshot(engine, *SEEDED_TABLES) == before


async def test_seed_repairs_a_changed_fact(engine):
    # Given a fact that drifted from the published one
    async with new_session(engine) as session:
        country = (await session.exec(select(models.Country).where(models.Country.code == "VN"))).one()
        country.name_en = "Vietnam"
        session.add(country)
        await session.commit()

    # When
    async with new_session(engine) as session:
        report = await load(session)

    # Then
    assert (report.inserted, report.updated) == (0, 1)
    async with new_session(engine) as session:
        country = (await session.exec(select(models.Country).where(models.Country.code == "VN"))).one()
    assert country.name_en == "Viet Nam"
