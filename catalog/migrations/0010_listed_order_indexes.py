"""Scale (issue 12): indexes for the orderings lists actually use, and for the API's validator.

PostgreSQL only (SQLite serves the small bundled catalog; ``make bench`` measures PostgreSQL).

- Lists and rankings order listed tools (``NOT hidden AND status = 'active'``, the default of
  ``catalog.tool_queries.tool_list``) by ``<metric> DESC NULLS LAST, id``. A partial index in
  exactly that order lets the first page (and ``LIMIT n`` rankings) read n index entries instead
  of sorting every listed row: at 100,000 tools the default list went from a scan and a sort of
  the whole table to an index scan (figures in BENCHMARKS.md / benchmarks/NOTES.md).
- ``category_id`` first for the same orders inside one category (category pages, rankings by
  category).
- ``updated_at``, ``metrics_as_of``, ``rankings_computed_at``: ``api.caching.catalog_version``
  reads their maxima, each a backward step on one of these (``last_refreshed_at`` already has
  ``tool_refreshed_idx``).

The indexes are raw SQL (``DESC NULLS LAST`` with a predicate), outside Django's model state,
like 0005's: ``makemigrations`` does not see them.
"""

from django.db import migrations

LISTED = "WHERE NOT hidden AND status = 'active'"
DESCENDING = {
    "score": "score",
    "stars": "stars",
    "gain7": "stars_gained_7d",
    "gain30": "stars_gained_30d",
    "gain90": "stars_gained_90d",
    "growth": "growth_30d",
    "activity": "activity",
    "pushed": "pushed_at",
    "created": "repo_created_at",
    "contributors": "contributors",
    "forks": "forks",
}
FORWARD = [
    f"CREATE INDEX IF NOT EXISTS tool_listed_{name}_desc_idx ON catalog_tool "
    f"({column} DESC NULLS LAST, id) {LISTED}"
    for name, column in DESCENDING.items()
]
FORWARD += [
    f"CREATE INDEX IF NOT EXISTS tool_listed_category_{name}_desc_idx ON catalog_tool "
    f"(category_id, {column} DESC NULLS LAST, id) {LISTED}"
    for name, column in (("score", "score"), ("stars", "stars"), ("gain30", "stars_gained_30d"))
]
FORWARD += [
    "CREATE INDEX IF NOT EXISTS tool_updated_idx ON catalog_tool (updated_at)",
    "CREATE INDEX IF NOT EXISTS tool_measured_idx ON catalog_tool (metrics_as_of)",
    "CREATE INDEX IF NOT EXISTS tool_ranked_idx ON catalog_tool (rankings_computed_at)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS " + statement.split(" ON ")[0].split()[-1] for statement in FORWARD
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_tool_lifecycle")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
