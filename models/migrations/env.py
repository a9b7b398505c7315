import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import models
from models.db import create_engine
from models.search_index import is_search_object

target_metadata = models.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        # The full-text objects are made by hand (migration 0003), not from the models.
        include_object=lambda _object, name, _type, _reflected, _compare_to: not is_search_object(name),
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    attributes = context.config.attributes
    engine = create_engine(attributes["database_url"], attributes.get("database_schema"))
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `jcm migrate` against a database.")
if (given := context.config.attributes.get("connection")) is not None:
    run_migrations(given)  # a caller (the tests) lent its own connection
else:
    asyncio.run(run_async_migrations())
