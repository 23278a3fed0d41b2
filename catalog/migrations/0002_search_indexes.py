"""Full-text and trigram indexes for tool search. PostgreSQL only; SQLite searches without them.

The expressions match what ``catalog.search`` queries, so the planner can use them:
``to_tsvector('simple', COALESCE(search_document, ''))`` and ``lower(full_name) gin_trgm_ops``.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS tool_search_document_fts_idx ON catalog_tool "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_document, '')))",
    "CREATE INDEX IF NOT EXISTS tool_full_name_trgm_idx ON catalog_tool "
    "USING gin (lower(full_name) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS tool_full_name_trgm_idx",
    "DROP INDEX IF EXISTS tool_search_document_fts_idx",
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
