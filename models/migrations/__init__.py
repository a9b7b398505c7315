"""Alembic migrations, run programmatically (there is no alembic.ini): see `upgrade`."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = Path(__file__).parent


def config(database_url: str, schema: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database_url"] = database_url
    cfg.attributes["database_schema"] = schema
    return cfg


def upgrade(database_url: str, schema: str | None = None, revision: str = "head") -> None:
    """Bring the database to `revision`. Synchronous: call it outside a running event loop."""
    command.upgrade(config(database_url, schema), revision)


def upgrade_on(connection: Connection, revision: str = "head") -> None:
    """Bring the database of an open (sync) connection to `revision`, inside its transaction."""
    cfg = config("")
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def autogenerate(database_url: str, message: str, schema: str | None = None) -> None:
    """Write a new revision with the difference between the models and a database at head."""
    command.revision(config(database_url, schema), message=message, autogenerate=True)
