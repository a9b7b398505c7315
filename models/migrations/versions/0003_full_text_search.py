"""full-text search: FTS5 on SQLite, GIN tsvector indexes on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 19:10:00

"""
from collections.abc import Sequence

from alembic import op

from models.search_index import SEARCHED, drop_statements, statements

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        for statement in statements(table, dialect):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        for statement in drop_statements(table, dialect):
            op.execute(statement)
