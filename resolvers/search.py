"""Word search over text columns: every word must appear in one of them (case-insensitive)."""

import sqlalchemy as sa


def words_match(text: str | None, *columns: sa.ColumnElement) -> sa.ColumnElement[bool] | None:
    words = (text or "").split()
    if not words:
        return None
    conditions = []
    for word in words[:10]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped.lower()}%"
        conditions.append(sa.or_(*(sa.func.lower(sa.func.coalesce(c, "")).like(pattern, escape="\\") for c in columns)))
    return sa.and_(*conditions)
