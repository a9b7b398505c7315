"""`jcm backup`, `jcm restore` and the checks `jcm serve` makes before it starts anything (workers).

Kept apart from api/cli.py, which registers these commands through `add_commands`. Messages go to
stderr like every other `jcm` message; a command that cannot do what was asked exits 2.
"""

import argparse
import asyncio
import sys
from pathlib import Path
from typing import NoReturn

from sqlalchemy.engine import make_url

from api.backup import BackupError, Contents, install, known_revisions, pg_command, sqlite_file, staged_restore
from api.settings import Settings
from models.db import create_engine, new_session


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(message: str) -> NoReturn:
    _say(f"error: {message}")
    raise SystemExit(2)


def serve_workers(settings: Settings, requested: int | None) -> int:
    """The worker processes `jcm serve` starts: --workers, else JCM_WORKERS. Several need PostgreSQL.

    Why: a decision is announced to subscribers by the process that made it; on PostgreSQL, NOTIFY
    carries it to every process (resolvers/listener.py), SQLite has nothing like it, so each
    worker's subscribers would see only that worker's decisions, silently missing the rest.
    """
    workers = requested or settings.workers
    if workers > 1 and make_url(settings.database_url).get_backend_name() == "sqlite":
        asked = f"--workers {requested}" if requested else f"JCM_WORKERS={workers}"
        _fail(
            f"{asked} needs PostgreSQL: on SQLite each worker process would see only its own decisions, and "
            "subscriptions would silently miss the others'. Serve with one worker, or scale out on PostgreSQL "
            "(JCM_DATABASE_URL=postgresql+asyncpg://user@host:5432/jcm), whose NOTIFY reaches every worker."
        )
    return workers


def _key_reminder(settings: Settings, advice: str) -> str:
    """Certificates are signed with a key kept outside the database (models/signing.py), on purpose."""
    from models.signing import ring_path

    key = settings.signing_key_path
    return f"the signing key {key} and its public keys {ring_path(key)} are not in the database: {advice}"


def cmd_backup(settings: Settings, args: argparse.Namespace) -> None:
    from api.backup import backup

    try:
        database = sqlite_file(settings.database_url)
        if database is None:
            _say("error: the database is PostgreSQL: back it up with pg_dump, e.g.")
            _say(f"  {pg_command(settings.database_url, settings.database_schema, args.file, restore=False)}")
            raise SystemExit(2)
        copied = backup(database, Path(args.file), force=args.force)
    except BackupError as error:
        _fail(str(error))
    _say(f"backed up {database} to {args.file}: {copied.summary()}")
    _say(
        _key_reminder(
            settings, "back them up separately (keep the key secret); without them no new certificate can be signed"
        )
    )


async def _verify_staged(staged: Path) -> str | None:
    """Why the staged copy's audit trail does not verify, or None if it does."""
    from resolvers.audit import verify_chain

    engine = create_engine(f"sqlite+aiosqlite:///{staged}")
    try:
        async with new_session(engine) as session:
            check = await verify_chain(session)
    finally:
        await engine.dispose()
    if check.broken is None:
        return None
    return f"its audit trail is broken at event {check.broken.event_id}: {check.broken.reason}"


def cmd_restore(settings: Settings, args: argparse.Namespace) -> None:
    source = Path(args.file)
    try:
        database = sqlite_file(settings.database_url)
        if database is None:
            _say("error: the database is PostgreSQL: restore a pg_dump file with pg_restore, e.g.")
            _say(f"  {pg_command(settings.database_url, settings.database_schema, args.file, restore=True)}")
            raise SystemExit(2)
        with staged_restore(source, database) as (staged, found):
            broken = asyncio.run(_verify_staged(staged))
            if broken:
                raise BackupError(f"{source} is not restored: {broken}")
            install(staged, database)
    except BackupError as error:
        _fail(str(error))
    _say(f"restored {source} into {database}: {_restored(found)}")
    _say(_key_reminder(settings, "restore them separately if they were lost"))


def _restored(found: Contents) -> str:
    head, _ = known_revisions()
    summary = found.summary()
    if found.revision != head:
        summary += f"; `jcm migrate` (or `jcm serve`) brings it from revision {found.revision} to {head}"
    return summary


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    backup = commands.add_parser(
        "backup",
        help="SQLite: copy the database to FILE, consistently, while the service runs (PostgreSQL: use pg_dump)",
    )
    backup.add_argument("file", help="the copy to write; an existing file is kept unless --force")
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore",
        help="SQLite: replace the database with a backup made by `jcm backup`; stop the service first",
    )
    restore.add_argument("file", help="a backup made by `jcm backup` (checked before anything is replaced)")
    restore.set_defaults(handler=cmd_restore)


def positive(text: str) -> int:
    """argparse type: an integer of 1 or more (`--workers 0` is a usage error, not a crash)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1")
    return value
