"""`jcm backup FILE` and `jcm restore FILE`: an online, consistent copy of a SQLite database, and
putting it back so that `jcm audit verify` passes; on PostgreSQL, the pg_dump command to use.

The starting state is made through the resolvers and HTTP (`flow`) in the test's event loop; the
CLI runs its own loop (asyncio.run), so it runs in a thread here (`run`), as it would in a shell
beside the service.
"""

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from api.backup import known_revisions
from api.settings import get_settings
from models.migrations import config
from models.signing import ring_path
from tests.support.cli import Jcm, Run, jcm_on
from tests.support.db import PG_URL, Database

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite's backup API; PostgreSQL has pg_dump")

DECISIONS = "{ decisions(first: 20) { totalCount edges { node { reference } } } }"
HEAD, _ = known_revisions()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "jcm-signing-key.pem"


@pytest.fixture
def jcm(
    database: Database, key_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Jcm]:
    """`jcm` pointed at the test's database through JCM_* variables, its signing key in tmp_path."""
    with jcm_on(database, monkeypatch, capsys, key_file) as jcm:
        yield jcm


async def run(jcm: Jcm, *argv: str) -> Run:
    return await asyncio.to_thread(jcm, *argv)


async def stamped(engine: AsyncEngine) -> None:
    """The test's database carries the migration stamp `jcm migrate` leaves (the suite builds its
    tables from the models, which a test elsewhere shows to be the same as head)."""

    def stamp(connection: Connection) -> None:
        cfg = config("")
        cfg.attributes["connection"] = connection
        command.stamp(cfg, "head")

    async with engine.connect() as connection:
        await connection.run_sync(stamp)
        await connection.commit()


def audit_rows(path: Path) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT id, action FROM audit_event ORDER BY id").fetchall()


def file_of(database: Database) -> Path:
    return Path(database.url.split("///", 1)[1])


# --- the round trip -----------------------------------------------------------------------------


@sqlite_only
async def test_a_backup_restored_brings_back_that_moment_and_its_audit_trail_verifies(
    flow, engine, jcm, tmp_path, key_file
):
    # Given two decisions made over HTTP, with their audit trail
    await flow.decided("VN", title="First item")
    await flow.decided("ID", title="Second item")
    await stamped(engine)
    events = audit_rows(file_of(jcm.database))
    backup = tmp_path / "backup.db"

    # When it is backed up while the service runs
    backed_up = await run(jcm, "backup", str(backup))

    # Then the copy is made, and the output says what it holds and what it does not
    assert backed_up.code == 0, backed_up
    size = backup.stat().st_size
    newest = events[-1][0]
    assert backed_up.err.splitlines()[0] == (
        f"backed up {file_of(jcm.database)} to {backup}: {size:,} bytes, schema revision {HEAD}, "
        f"audit trail {len(events)} events, newest #{newest} at 2026-11-28T09:00:00Z"
    )
    assert backed_up.err.splitlines()[1] == (
        f"the signing key {key_file} and its public keys {ring_path(key_file)} are not in the database: "
        "back them up separately (keep the key secret); without them no new certificate can be signed"
    )
    assert audit_rows(backup) == events

    # When a third decision is made after the backup
    await flow.decided("MN", title="Made after the backup")
    assert len(audit_rows(file_of(jcm.database))) > len(events)

    # And the service is stopped, and the backup restored
    await engine.dispose()
    restored = await run(jcm, "restore", str(backup))

    # Then the database is as it was at the backup: the later decision is gone, the chain verifies
    assert restored.code == 0, restored
    assert restored.err.startswith(f"restored {backup} into {file_of(jcm.database)}: {size:,} bytes")
    assert restored.err.splitlines()[1].endswith("are not in the database: restore them separately if they were lost")
    assert audit_rows(file_of(jcm.database)) == events
    assert await run(jcm, "audit", "verify") == Run(0, "", f"audit trail intact: {len(events)} events verified\n")
    register = (await asyncio.to_thread(jcm.graphql, DECISIONS)).json()["data"]["decisions"]
    assert register["totalCount"] == 2
    # And the backup file itself was only read
    assert audit_rows(backup) == events


@sqlite_only
async def test_a_backup_taken_during_a_write_holds_the_last_commit_only(flow, engine, jcm, tmp_path):
    # Given a decision, and a write transaction under way in the service, not yet committed
    await flow.decided("VN")
    committed = audit_rows(file_of(jcm.database))
    async with engine.connect() as connection:
        await connection.exec_driver_sql("UPDATE audit_event SET actor = 'half-way' WHERE id = 1")

        # When a backup is taken meanwhile
        backed_up = await run(jcm, "backup", str(tmp_path / "backup.db"))
        await connection.rollback()

    # Then it did not wait for the writer, and holds what was committed, nothing half-done
    assert backed_up.code == 0, backed_up
    assert audit_rows(tmp_path / "backup.db") == committed
    with closing(sqlite3.connect(tmp_path / "backup.db")) as copy:
        assert copy.execute("SELECT count(*) FROM audit_event WHERE actor = 'half-way'").fetchone() == (0,)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, no -wal beside it


# --- refusals that change nothing ----------------------------------------------------------------


@sqlite_only
async def test_backup_keeps_an_existing_file_unless_forced(engine, jcm, tmp_path):
    # Given a file where the backup would go
    target = tmp_path / "backup.db"
    target.write_text("precious")

    # When backing up onto it
    refused = await run(jcm, "backup", str(target))

    # Then it is refused and the file is untouched
    assert refused == Run(2, "", f"error: {target} exists: choose another file, or add --force to overwrite it\n")
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []

    # When forced
    forced = await run(jcm, "backup", "--force", str(target))

    # Then it is replaced by the copy
    assert forced.code == 0, forced
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


@sqlite_only
async def test_restore_refuses_while_the_service_has_the_database_open(flow, engine, jcm, tmp_path):
    # Given a backup, and a service that has the database open
    await stamped(engine)
    backup = tmp_path / "backup.db"
    assert (await run(jcm, "backup", str(backup))).code == 0
    await flow.decided("VN")
    before = audit_rows(file_of(jcm.database))

    # When restoring without stopping it
    refused = await run(jcm, "restore", str(backup))

    # Then it is refused, naming what to do, and nothing changed
    assert refused == Run(
        2,
        "",
        f"error: {file_of(jcm.database)} is open in another process (a running `jcm serve`?): stop the service "
        "first, then restore; it reads the restored database when started again\n",
    )
    assert audit_rows(file_of(jcm.database)) == before


def plain_sqlite(path: Path, *statements: str) -> Path:
    with closing(sqlite3.connect(path)) as connection, connection:
        for statement in statements:
            connection.execute(statement)
    return path


@sqlite_only
@pytest.mark.parametrize(
    "make, why",
    [
        (lambda p: p.write_text("not a database") and p, "{file} is not an SQLite database"),
        (
            lambda p: plain_sqlite(p, "CREATE TABLE t (x)"),
            "{file} is not a JCM database: it has no alembic_version and no audit_event table",
        ),
        (
            lambda p: plain_sqlite(
                p,
                "CREATE TABLE alembic_version (version_num TEXT)",
                "CREATE TABLE audit_event (id INTEGER)",
                "INSERT INTO alembic_version VALUES ('9999_future')",
            ),
            f"{{file}} is at schema revision 9999_future, which this version of jcm does not know (its newest is {HEAD}): restore it with the version that made it",
        ),
        (lambda p: p.parent / "missing.db", "there is no file {file}"),
    ],
    ids=["text", "other-sqlite", "newer-revision", "missing"],
)
async def test_restore_refuses_what_is_not_a_jcm_backup_and_changes_nothing(engine, jcm, tmp_path, make, why):
    # Given a file that is not a backup of this service, and the service stopped
    candidate = make(tmp_path / "candidate.db")
    await engine.dispose()
    before = file_of(jcm.database).read_bytes()

    # When restoring it
    refused = await run(jcm, "restore", str(candidate))

    # Then it is refused with the reason, and the database is untouched
    assert refused == Run(2, "", f"error: {why.format(file=candidate)}\n")
    assert file_of(jcm.database).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".restoring-" in p.name] == []


@sqlite_only
async def test_restore_refuses_a_backup_whose_audit_trail_was_altered(flow, engine, jcm, tmp_path):
    # Given a backup whose audit trail was edited afterwards
    await flow.decided("VN")
    await stamped(engine)
    backup = tmp_path / "backup.db"
    assert (await run(jcm, "backup", str(backup))).code == 0
    with closing(sqlite3.connect(backup)) as copy, copy:
        copy.execute("UPDATE audit_event SET actor = 'Somebody else' WHERE id = 2")
    await engine.dispose()
    before = file_of(jcm.database).read_bytes()

    # When restoring it
    refused = await run(jcm, "restore", str(backup))

    # Then it is refused, naming the event, and the database is untouched
    assert refused == Run(
        2,
        "",
        f"error: {backup} is not restored: its audit trail is broken at event 2: content does not match its hash "
        "(it was altered)\n",
    )
    assert file_of(jcm.database).read_bytes() == before


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command, tool",
    [
        ("backup", "pg_dump --format=custom --schema=jcm --file=jcm.dump 'postgresql://jcm@db.example.org:5432/jcm'"),
        (
            "restore",
            "pg_restore --clean --if-exists --no-owner --schema=jcm --dbname='postgresql://jcm@db.example.org:5432/jcm' jcm.dump",
        ),
    ],
)
def test_on_postgresql_backup_and_restore_name_the_pg_command_without_the_password(jcm, monkeypatch, command, tool):
    # Given a PostgreSQL database (nothing connects to it)
    monkeypatch.setenv("JCM_DATABASE_URL", "postgresql+asyncpg://jcm:s3cret@db.example.org:5432/jcm")
    monkeypatch.setenv("JCM_DATABASE_SCHEMA", "jcm")
    get_settings.cache_clear()

    # When
    answered = jcm(command, "jcm.dump")

    # Then the exact command to run, without the password, and a non-zero exit
    what = "back it up with pg_dump" if command == "backup" else "restore a pg_dump file with pg_restore"
    assert answered == Run(2, "", f"error: the database is PostgreSQL: {what}, e.g.\n  {tool}\n")
    assert "s3cret" not in answered.err
