"""The state of everything published, as one number that changes with every change."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from models.audit import AuditEvent


async def publication_version(engine: AsyncEngine) -> int:
    """The newest audit event's id: every change appends one, so any change moves it."""
    async with engine.connect() as connection:
        return (await connection.execute(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))).scalar_one()
