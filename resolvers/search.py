"""Full-text search in the database's own index: every word must match (as a prefix), ranked by
relevance. Never a scan in Python."""

import re
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from models.db import dialect_name
from models.search_index import fold, tsvector_sql
from resolvers.reads import as_records, records

Row = TypeVar("Row")

MAX_WORDS = 10


def terms(text: str | None) -> list[str]:
    """Letters and digits only: "JC-VN-2026-001" searches jc, vn, 2026 and 001."""
    return re.findall(r"[^\W_]+", fold(text or ""))[:MAX_WORDS]


def _query(dialect: str, words: list[str]) -> str:
    if dialect == "postgresql":
        return " & ".join(f"{word}:*" for word in words)
    return " AND ".join(f'"{word}"*' for word in words)


def matches(dialect: str, model: Any, text: str | None) -> sa.ColumnElement[bool] | sa.TextClause | None:
    """A WHERE clause keeping the rows of `model` (a table model with an integer `id`) that match every
    word; None for a blank text. Text with no letters or digits ("%") matches nothing."""
    words = terms(text)
    if not words:
        return sa.false() if text and text.strip() else None
    table = model.__tablename__
    parameter: sa.BindParameter[str] = sa.bindparam(f"fts_{table}_query", _query(dialect, words))
    if dialect == "postgresql":
        return sa.text(f"{tsvector_sql(table)} @@ to_tsquery('simple', :fts_{table}_query)").bindparams(parameter)
    hits = (
        sa.select(sa.literal_column("rowid", sa.Integer))
        .select_from(sa.table(f"fts_{table}"))
        .where(sa.text(f"fts_{table} MATCH :fts_{table}_query").bindparams(parameter))
    )
    return col(model.id).in_(hits)


async def ranked(
    session: AsyncSession, statement: SelectOfScalar[Row], model: Any, text: str | None, limit: int
) -> list[Row]:
    """The best `limit` rows of `statement` (a select of `model`, a table model with an integer `id`) for
    `text`, best first."""
    words = terms(text)
    if not words:
        return []
    dialect = dialect_name(session)
    table = model.__tablename__
    parameter: sa.BindParameter[str] = sa.bindparam(f"fts_{table}_query", _query(dialect, words))
    if dialect == "postgresql":
        vector = sa.text(f"{tsvector_sql(table)} @@ to_tsquery('simple', :fts_{table}_query)").bindparams(parameter)
        rank = sa.text(f"ts_rank({tsvector_sql(table)}, to_tsquery('simple', :fts_{table}_query)) DESC").bindparams(
            parameter
        )
        statement = statement.where(vector).order_by(rank, col(model.id).desc())
    else:
        fts = sa.table(f"fts_{table}", sa.column("rowid"), sa.column("rank"))
        statement = (
            statement.join(fts, fts.c.rowid == col(model.id))
            .where(sa.text(f"fts_{table} MATCH :fts_{table}_query").bindparams(parameter))
            .order_by(fts.c.rank, col(model.id).desc())  # bm25: lower is better
        )
    return await records(session, model, as_records(model, statement.limit(limit)))
