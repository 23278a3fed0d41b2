"""Scale (issue 12): leave a fifth of each page of ``catalog_tool`` free, so rewriting ranks
stays cheap.

A refresh batch or a curator's move renumbers ``rank_in_category`` / ``rank_in_layer`` for every
tool that a moved tool passes: thousands of rows at 100,000 tools. Those columns are in no index,
so PostgreSQL can update such a row in place ("HOT": no new entry in any of the table's ~50
indexes) — but only when the row's page has room for the new version, and with the default
fillfactor of 100 a page written by an import or ``COPY`` has none. Measured on the benchmark's
100,000-tool catalog, recomputing the rankings of 100 refreshed tools rewrote ~47,000 rank rows
in 150 s at fillfactor 100 and in 4.3 s at 80 (``benchmarks/NOTES.md``).

The setting applies to pages written from now on (a new database, an import into an empty
table). An existing large table takes it when rewritten: ``VACUUM FULL catalog_tool`` (an
exclusive lock for about a minute per 100,000 tools) or pg_repack. PostgreSQL only.
"""

from django.db import migrations


def _fillfactor(percent: int):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE catalog_tool SET (fillfactor = {percent})")

    return operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0014_search_walk_index")]

    operations = [migrations.RunPython(_fillfactor(80), _fillfactor(100))]
