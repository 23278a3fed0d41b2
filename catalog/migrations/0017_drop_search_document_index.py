"""Scale (issue 12): drop ``tool_search_document_fts_idx`` (migration 0002), which no query
uses any more.

Search has matched on the stored, weighted ``search_vector`` and its own GIN index since
migration 0003; nothing asks ``to_tsvector('simple', COALESCE(search_document, ''))``, the
expression this index was built on (it had no scan in a benchmark of every endpoint). It
still cost every write of a tool's text an update of a GIN index, and a bulk import its
build: 2.9 s of the 15–24 s a 100,000-tool import spends building indexes.

PostgreSQL only; reversing builds the index again.
"""

from django.db import migrations

FORWARD = ["DROP INDEX IF EXISTS tool_search_document_fts_idx"]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS tool_search_document_fts_idx ON catalog_tool "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_document, '')))"
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0016_tool_match")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
