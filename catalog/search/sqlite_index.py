"""The SQLite side's full-text table ``catalog_tool_fts`` (FTS5, porter tokenizer) and the
triggers that keep it in step with ``catalog_tool``.

Migration 0003 creates them; a later migration that rebuilds ``catalog_tool`` on SQLite (Django
copies the table to add or alter a column) drops the triggers with the old table, so after
every ``migrate`` ``ensure_sqlite_index`` puts back what is missing and refills the table.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models.signals import post_migrate

TABLE = "catalog_tool_fts"


def _joined(column: str, to: str) -> str:
    for separator in "-_.":
        column = f"replace({column}, '{separator}', '{to}')"
    return column


def names_sql(prefix: str = "") -> str:
    """owner/name split at ``_ - . /`` and joined: ``run llama llama index runllama llamaindex``."""
    name = f"lower({prefix}full_name)"
    return (
        f"replace({_joined(name, ' ')}, '/', ' ') || ' ' || replace({_joined(name, '')}, '/', ' ')"
    )


_INSERT = (
    f"INSERT INTO {TABLE}(rowid, names, display, body) "
    f"VALUES (new.id, {names_sql('new.')}, new.display_name, new.search_document);"
)
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "names, display, body, tokenize='porter unicode61')"
)
TRIGGERS = {
    "catalog_tool_fts_insert": (
        f"CREATE TRIGGER IF NOT EXISTS catalog_tool_fts_insert AFTER INSERT ON catalog_tool "
        f"BEGIN {_INSERT} END"
    ),
    "catalog_tool_fts_update": (
        "CREATE TRIGGER IF NOT EXISTS catalog_tool_fts_update AFTER UPDATE OF full_name, "
        f"display_name, search_document ON catalog_tool BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; {_INSERT} END"
    ),
    "catalog_tool_fts_delete": (
        "CREATE TRIGGER IF NOT EXISTS catalog_tool_fts_delete AFTER DELETE ON catalog_tool "
        f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END"
    ),
}
REFILL = [
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE}(rowid, names, display, body) "
    f"SELECT id, {names_sql()}, display_name, search_document FROM catalog_tool",
]


def ensure_sqlite_index(using: str = "default") -> bool:
    """Create what is missing and refill the table if a trigger was missing; True if it did."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "catalog_tool" not in present:
            return False
        if TABLE in present and set(TRIGGERS) <= present:
            return False
        cursor.execute(CREATE_TABLE)
        for statement in TRIGGERS.values():
            cursor.execute(statement)
        for statement in REFILL:
            cursor.execute(statement)
    return True


def _after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    ensure_sqlite_index(using)


def connect(app_config: Any) -> None:
    post_migrate.connect(_after_migrate, sender=app_config, dispatch_uid="catalog-search-sqlite")
