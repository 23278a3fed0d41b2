"""Scale (issue 12), search counts: ``catalog_tool_match``, a narrow copy of the columns a
search's match condition reads, kept in step with ``catalog_tool`` by triggers.

Why: the exact count of a common word's matches (``/api/v1/tools/?q=vector``: ~20,000 of
100,000 tools) is a bitmap scan of the GIN index, then a visit of every heap page holding a
match. ``catalog_tool`` rows are ~1.3 kB (about 6 a page), so that count read ~12,600 pages
(21–27 ms). PostgreSQL 15.20 visited them all even with a partial GIN index that left no
filter to check and a freshly vacuumed table (measured: no all-visible page was skipped). The
rows here are ~560 bytes (id, category, hidden, status and the same weighted ``tsvector``):
the same count reads ~7,000 pages (~10 ms). ``catalog.search.match_table`` counts from it
when a list's conditions read nothing else.

Kept in step by triggers, so every write counts — the ORM, the importer's ``COPY``, a raw
``UPDATE`` in ``psql``:
- after INSERT, one statement-level trigger copies the new rows (a transition table: one
  ``INSERT … SELECT`` per ``COPY`` of 100,000 tools, not a trigger call per row);
- after an UPDATE that sets one of the copied columns or an input of ``search_vector``
  (``full_name``, ``display_name``, ``search_document``), a row trigger copies the row when a
  copied value changed (rank and metric updates set none of them and fire nothing);
- after DELETE and TRUNCATE, the rows go too.

A later migration that renames or retypes a copied column must do the same here and create
the triggers again (``tests/catalog/search/test_match_table.py`` compares the types). A
data-only ``pg_restore`` into an existing schema needs ``--disable-triggers``, as for any
table with triggers (a full restore creates the triggers after the data).

PostgreSQL only (SQLite counts from its FTS5 table, migration 0003).
"""

from django.db import migrations

# The columns copied, typed as in catalog_tool (``status`` too: the same comparisons).
COLUMNS = ("id", "category_id", "hidden", "status", "search_vector")
_COLUMNS = ", ".join(COLUMNS)
_CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in COLUMNS)
_NEW_VALUES = "VALUES (" + ", ".join(f"NEW.{column}" for column in COLUMNS) + ")"
_UPSERT = (
    f"INSERT INTO catalog_tool_match ({_COLUMNS}) {{rows}} "
    "ON CONFLICT (id) DO UPDATE SET category_id = EXCLUDED.category_id, "
    "hidden = EXCLUDED.hidden, status = EXCLUDED.status, search_vector = EXCLUDED.search_vector"
)
FORWARD = [
    "CREATE TABLE catalog_tool_match ("
    "id bigint PRIMARY KEY, category_id bigint NOT NULL, hidden boolean NOT NULL, "
    "status varchar(16) NOT NULL, search_vector tsvector)",
    # Inserted rows: one statement per INSERT or COPY.
    "CREATE FUNCTION catalog_tool_match_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN {_UPSERT.format(rows=f'SELECT {_COLUMNS} FROM inserted')}; RETURN NULL; END $$",
    "CREATE TRIGGER tool_match_inserted AFTER INSERT ON catalog_tool "
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalog_tool_match_inserted()",
    # Updated rows: only when a copied value changed (an id changed too: the old row goes).
    "CREATE FUNCTION catalog_tool_match_updated() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF OLD.id <> NEW.id THEN DELETE FROM catalog_tool_match WHERE id = OLD.id; END IF; "
    f"{_UPSERT.format(rows=_NEW_VALUES)}; RETURN NULL; END $$",
    "CREATE TRIGGER tool_match_updated AFTER UPDATE OF id, category_id, hidden, status, "
    "full_name, display_name, search_document ON catalog_tool FOR EACH ROW "
    f"WHEN ({_CHANGED}) EXECUTE FUNCTION catalog_tool_match_updated()",
    "CREATE FUNCTION catalog_tool_match_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM catalog_tool_match WHERE id IN (SELECT id FROM deleted); "
    "RETURN NULL; END $$",
    "CREATE TRIGGER tool_match_deleted AFTER DELETE ON catalog_tool "
    "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalog_tool_match_deleted()",
    "CREATE FUNCTION catalog_tool_match_truncated() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE catalog_tool_match; RETURN NULL; END $$",
    "CREATE TRIGGER tool_match_truncated AFTER TRUNCATE ON catalog_tool "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalog_tool_match_truncated()",
    # The triggers first: they lock catalog_tool against writes until the migration commits,
    # so the copy misses none; the indexes after, built once rather than row by row.
    f"INSERT INTO catalog_tool_match ({_COLUMNS}) SELECT {_COLUMNS} FROM catalog_tool",
    "CREATE INDEX tool_match_vector_idx ON catalog_tool_match USING gin (search_vector)",
    "CREATE INDEX tool_match_category_idx ON catalog_tool_match (category_id)",
    "ANALYZE catalog_tool_match",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS tool_match_truncated ON catalog_tool",
    "DROP TRIGGER IF EXISTS tool_match_deleted ON catalog_tool",
    "DROP TRIGGER IF EXISTS tool_match_updated ON catalog_tool",
    "DROP TRIGGER IF EXISTS tool_match_inserted ON catalog_tool",
    "DROP FUNCTION IF EXISTS catalog_tool_match_truncated()",
    "DROP FUNCTION IF EXISTS catalog_tool_match_deleted()",
    "DROP FUNCTION IF EXISTS catalog_tool_match_updated()",
    "DROP FUNCTION IF EXISTS catalog_tool_match_inserted()",
    "DROP TABLE IF EXISTS catalog_tool_match",
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0015_tool_fillfactor")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
