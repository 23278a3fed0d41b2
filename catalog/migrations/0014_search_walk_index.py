"""Scale (issue 12), search: an index for the walk of ``catalog.search.ranked``.

The best matches of a common word are proven from the most starred tools of the queryset
searched, read in ``stars DESC NULLS LAST, id`` order. For lists of active tools 0010's
``tool_listed_stars_desc_idx`` gives that order; autocomplete and ``status=any`` searches
take every tool not hidden, which this partial index orders.

PostgreSQL only, raw SQL like 0005 and 0010 (SQLite serves the small bundled catalog).
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS tool_unhidden_stars_desc_idx ON catalog_tool "
    "(stars DESC NULLS LAST, id) WHERE NOT hidden"
]
BACKWARD = ["DROP INDEX IF EXISTS tool_unhidden_stars_desc_idx"]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0012_catalog_summary")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
