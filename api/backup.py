"""Backing up and restoring a SQLite database file while keeping it consistent (`jcm backup`, `jcm restore`).

Why SQLite's backup API and not `cp`: the service keeps the database in WAL mode (models/db.py),
so committed data may still sit in `jcm.db-wal`; a copy of the main file alone can miss it, and a
copy taken during a write can be torn. `sqlite3.Connection.backup` in one step copies every page
inside one read transaction: a snapshot of the last commit, taken while the service goes on
serving (WAL readers do not block writers, nor writers them).

A backup is written beside its destination under a temporary name and renamed into place once
complete and checked, so FILE is either absent or a whole database; it is left in rollback-journal
mode, one self-contained file. Restoring copies it first to a staging file beside the database
(never writing to the backup itself), checks that, then copies the staging file into the database
through the backup API while holding the database's exclusive lock: no half-restored database
can be read, and a service that has the database open is detected and refused.

PostgreSQL has its own tools (pg_dump, pg_restore): `pg_command` says which command to run.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from models.migrations import SCRIPT_LOCATION, config

SQLITE_HEADER = b"SQLite format 3\x00"
# The tables every JCM database has: the migration stamp, and the audit trail a backup exists for.
REQUIRED_TABLES = ("alembic_version", "audit_event")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Contents:
    """What a database file holds, as `jcm backup` and `jcm restore` report it."""

    size: int
    revision: str | None
    events: int
    newest_event: int | None
    newest_at: str | None

    def summary(self) -> str:
        trail = (
            f"audit trail {self.events} events, newest #{self.newest_event} at {self.newest_at}"
            if self.newest_event is not None
            else "audit trail empty"
        )
        return f"{self.size:,} bytes, schema revision {self.revision or 'none'}, {trail}"


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for any other database. An in-memory SQLite is refused."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or "mode=memory" in str(url):
        raise BackupError("the database is in memory (JCM_DATABASE_URL): there is no file to back up or restore")
    return Path(url.database)


def pg_command(database_url: str, schema: str | None, file: str, restore: bool) -> str:
    """The pg_dump (or pg_restore) command for the configured PostgreSQL database, password left out
    (it belongs in PGPASSWORD or ~/.pgpass, not in a shell history)."""
    given = make_url(database_url)
    url = URL.create("postgresql", given.username, None, given.host, given.port, given.database, given.query)
    address = url.render_as_string(hide_password=False)
    only_schema = f" --schema={schema}" if schema else ""
    if restore:
        return f"pg_restore --clean --if-exists --no-owner{only_schema} --dbname='{address}' {file}"
    return f"pg_dump --format=custom{only_schema} --file={file} '{address}'"


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def contents(path: Path) -> Contents:
    with closing(_connect_read_only(path)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        events, newest, at = 0, None, None
        if "audit_event" in tables:
            events = connection.execute("SELECT count(*) FROM audit_event").fetchone()[0]
            last = connection.execute("SELECT id, at FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
            if last:
                newest, at = last[0], _utc(last[1])
    return Contents(path.stat().st_size, revision, events, newest, at)


def _utc(stored: str) -> str:
    """An audit time as stored (UTC, without zone: models/types.py) as ISO 8601 with its Z."""
    try:
        return datetime.fromisoformat(stored).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    except (TypeError, ValueError):
        return str(stored)


@contextmanager
def _staging(near: Path, purpose: str) -> Iterator[Path]:
    """A temporary file name beside `near` (same file system, so the rename is atomic), removed unless used."""
    staged = near.parent / f".{near.name}.{purpose}-{os.getpid()}"
    try:
        yield staged
    finally:
        for leftover in (staged, Path(f"{staged}-journal"), Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)


def _check(connection: sqlite3.Connection, name: str) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{name} is damaged: {result}")


def backup(database: Path, target: Path, force: bool = False) -> Contents:
    """Copy the live `database` into `target`, consistently, while the service may be writing."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database} (JCM_DATABASE_URL): nothing to back up")
    if target.exists() and not force:
        raise BackupError(f"{target} exists: choose another file, or add --force to overwrite it")
    if target.exists() and target.resolve() == database.resolve():
        raise BackupError(f"{target} is the database itself")
    if not target.parent.is_dir():
        raise BackupError(f"there is no folder {target.parent} to write {target.name} into")
    with _staging(target, "partial") as staged:
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=30)) as source:
            with closing(sqlite3.connect(staged)) as copy:
                source.backup(copy)  # every page in one step: one snapshot
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                _check(copy, "the copy")
        os.replace(staged, target)
    return contents(target)


def known_revisions() -> tuple[str, set[str]]:
    """This version's head migration, and every revision it knows."""
    scripts = ScriptDirectory.from_config(config(""))
    head = scripts.get_current_head()
    assert head is not None, SCRIPT_LOCATION
    return head, {script.revision for script in scripts.walk_revisions()}


def is_in_use(database: Path) -> bool:
    """Whether another connection has the database open. In WAL mode every open connection that has
    read it holds a shared lock on the file until it closes, so an exclusive lock fails at once."""
    if not database.exists():
        return False
    try:
        with closing(_locked(database)):
            return False
    except sqlite3.OperationalError:
        return True


def _locked(database: Path) -> sqlite3.Connection:
    """A connection holding the database's exclusive lock until it is closed (raises if another has it open)."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")  # locks, once taken, are kept until close
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("ROLLBACK")
    except BaseException:
        connection.close()
        raise
    return connection


IN_USE = (
    "{database} is open in another process (a running `jcm serve`?): stop the service first, "
    "then restore; it reads the restored database when started again"
)


@contextmanager
def staged_restore(source: Path, database: Path) -> Iterator[tuple[Path, Contents]]:
    """Check that `source` is a JCM database this version can use, and stage a copy of it beside
    `database`; the caller checks more (the audit chain) on the staged copy, then calls `install`."""
    if not source.is_file():
        raise BackupError(f"there is no file {source}")
    with source.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{source} is not an SQLite database")
    if is_in_use(database):
        raise BackupError(IN_USE.format(database=database))
    if not database.parent.is_dir():
        raise BackupError(f"there is no folder {database.parent} for the database {database.name}")
    with _staging(database, "restoring") as staged:
        try:
            with closing(_connect_read_only(source)) as original, closing(sqlite3.connect(staged)) as copy:
                original.backup(copy)
                _check(copy, str(source))
                tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                missing = [table for table in REQUIRED_TABLES if table not in tables]
                if missing:
                    raise BackupError(f"{source} is not a JCM database: it has no {' and no '.join(missing)} table")
                revision = copy.execute("SELECT max(version_num) FROM alembic_version").fetchone()[0]
                head, known = known_revisions()
                if revision not in known:
                    raise BackupError(
                        f"{source} is at schema revision {revision}, which this version of jcm does not know "
                        f"(its newest is {head}): restore it with the version that made it"
                    )
            found = contents(staged)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} cannot be read as a JCM database: {error}") from None
        yield staged, found


def install(staged: Path, database: Path) -> None:
    """Replace the database's content with the staged copy, under its exclusive lock, in one transaction."""
    try:
        target = _locked(database)
    except sqlite3.OperationalError:
        raise BackupError(IN_USE.format(database=database)) from None
    with closing(target), closing(sqlite3.connect(staged)) as copy:
        copy.backup(target)
        target.execute("PRAGMA journal_mode=WAL")  # as the service keeps it
