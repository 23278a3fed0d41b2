"""Search (issue 13): btree indexes for names compared without case and ``_ - . /``.

PostgreSQL only; the expressions are those ``catalog.search.postgres`` asks, so a query naming
a repository (``llamaindex``), an owner/name or an owner (``huggingface``) is an index lookup
at any catalog size. SQLite compares the names it reads in Python (``catalog.search.sqlite``).
"""

from django.db import migrations

_REPO = "regexp_replace(lower(split_part(full_name, '/', 2)), '[-_./]+', '', 'g')"
_OWNER = "regexp_replace(lower(split_part(full_name, '/', 1)), '[-_./]+', '', 'g')"
_FULL = "regexp_replace(lower(full_name), '[-_./]+', '', 'g')"
FORWARD = [
    f"CREATE INDEX IF NOT EXISTS tool_joined_repo_idx ON catalog_tool (({_REPO}))",
    f"CREATE INDEX IF NOT EXISTS tool_joined_owner_idx ON catalog_tool (({_OWNER}))",
    f"CREATE INDEX IF NOT EXISTS tool_joined_name_idx ON catalog_tool (({_FULL}))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS tool_joined_name_idx",
    "DROP INDEX IF EXISTS tool_joined_owner_idx",
    "DROP INDEX IF EXISTS tool_joined_repo_idx",
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_tool_placement_review")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
