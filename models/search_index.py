"""Full-text indexes, in each database's own way: FTS5 tables kept by triggers on SQLite, GIN
indexes over a tsvector expression on PostgreSQL. Objects named `fts_*` are these; the models'
metadata creates them after their tables (so tests get them) and migration 0003 does the same.
"""

import unicodedata

import sqlalchemy as sa
from sqlalchemy import event

# table -> the text columns searched, in that order. SEARCHED holds the tables migration 0003
# indexed, and that migration reads it: it must not grow. A table indexed later goes into LATER
# under the migration that creates its table and index; INDEXED is all of them.
SEARCHED: dict[str, list[str]] = {
    "decision": ["reference", "title", "summary"],
    "methodology": ["proposed_reference", "reference", "title", "summary"],
    "third_party_entity": ["name"],
}
LATER: dict[str, dict[str, list[str]]] = {
    "0005": {"project": ["pin_reference", "reference", "title", "participants"]},
}
INDEXED: dict[str, list[str]] = SEARCHED | {t: c for tables in LATER.values() for t, c in tables.items()}


def _accent_folding() -> tuple[str, str]:
    """Latin letters with diacritics and the plain letters they fold to ("é" -> "e", "ệ" -> "e"),
    as SQLite's FTS5 (remove_diacritics 2) folds them, for PostgreSQL's translate() and for queries."""
    sources, targets = [], []
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        if base.isascii() and base.isalpha() and marks and all(unicodedata.combining(m) for m in marks):
            sources.append(char)
            targets.append(base.lower())
    return "".join(sources), "".join(targets)


FOLD_FROM, FOLD_TO = _accent_folding()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str) -> str:
    """Lower case without diacritics: how words are indexed and searched on both databases."""
    return text.lower().translate(_FOLD)


def tsvector_sql(table: str, qualified: bool = True) -> str:
    """The expression the PostgreSQL index covers; queries must repeat it to use the index."""
    prefix = f"{table}." if qualified else ""
    parts = " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in INDEXED[table])
    # Diacritics are folded as FTS5 folds them, and punctuation becomes space, so that
    # "JC-VN-2027-001" is the words jc, vn, 2027 and 001 (PostgreSQL's parser would otherwise read
    # "-001" as a signed number), as on SQLite.
    folded = f"translate({parts}, '{FOLD_FROM}', '{FOLD_TO}')"
    return f"to_tsvector('simple', regexp_replace({folded}, '[^[:alnum:]]+', ' ', 'g'))"


def statements(table: str, dialect: str) -> list[str]:
    columns = INDEXED[table]
    if dialect == "postgresql":
        return [f"CREATE INDEX fts_{table} ON {table} USING gin (({tsvector_sql(table, qualified=False)}))"]
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"fts_{table}"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def drop_statements(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS fts_{table}"]
    return [f"DROP TRIGGER IF EXISTS fts_{table}_{suffix}" for suffix in ("ai", "ad", "au")] + [
        f"DROP TABLE IF EXISTS fts_{table}"
    ]


def is_search_object(name: str | None) -> bool:
    return name is not None and name.startswith("fts_")


def attach(metadata: sa.MetaData) -> None:
    """Create the full-text objects whenever metadata creates the tables (tests, fresh databases)."""
    for table_name in INDEXED:
        table = metadata.tables[table_name]

        def create(target: sa.Table, connection: sa.Connection, _table: str = table_name, **_: object) -> None:
            if connection.dialect.name in ("sqlite", "postgresql"):
                for statement in statements(_table, connection.dialect.name):
                    connection.exec_driver_sql(statement)

        event.listen(table, "after_create", create)
