"""Search (issue 13): category synonyms, and what each database searches through.

- ``Category.synonyms``, filled with the defaults of the bundled categories.
- PostgreSQL: ``catalog_tool.search_vector``, a stored generated ``tsvector`` weighting the
  owner/name (A), the display name (B) and the rest of ``search_document`` (D), each with
  ``simple`` and ``english`` lexemes, with a GIN index; trigram indexes on the names without
  case and ``_ - . /`` (what ``catalog.search.postgres`` asks).
- SQLite: the FTS5 table ``catalog_tool_fts`` (porter tokenizer) with triggers keeping it in
  step with ``catalog_tool`` on every insert, update of a searched column, and delete.
"""

from django.db import migrations, models

_SPLIT = r"regexp_replace(lower(full_name), '[-_./]+', ' ', 'g')"
_JOINED_PARTS = r"regexp_replace(regexp_replace(lower(full_name), '[-_.]+', '', 'g'), '/', ' ')"
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE catalog_tool ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('simple'::regconfig, {_SPLIT} || ' ' || {_JOINED_PARTS}), 'A') || "
    f"setweight(to_tsvector('english'::regconfig, {_SPLIT}), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, display_name), 'B') || "
    "setweight(to_tsvector('english'::regconfig, display_name), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, search_document), 'D') || "
    "setweight(to_tsvector('english'::regconfig, search_document), 'D')"
    ") STORED",
    "CREATE INDEX tool_search_vector_idx ON catalog_tool USING gin (search_vector)",
    "CREATE INDEX tool_joined_name_trgm_idx ON catalog_tool USING gin "
    "((regexp_replace(lower(full_name), '[-_./]+', '', 'g')) gin_trgm_ops)",
    "CREATE INDEX tool_joined_repo_trgm_idx ON catalog_tool USING gin "
    "((regexp_replace(lower(split_part(full_name, '/', 2)), '[-_./]+', '', 'g')) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS tool_joined_repo_trgm_idx",
    "DROP INDEX IF EXISTS tool_joined_name_trgm_idx",
    "ALTER TABLE catalog_tool DROP COLUMN IF EXISTS search_vector",
]


def _sqlite_joined(column: str, to: str) -> str:
    for separator in "-_.":
        column = f"replace({column}, '{separator}', '{to}')"
    return column


_NAMES = (
    f"replace({_sqlite_joined('lower(new.full_name)', ' ')}, '/', ' ') || ' ' || "
    f"replace({_sqlite_joined('lower(new.full_name)', '')}, '/', ' ')"
)
_INSERT = (
    "INSERT INTO catalog_tool_fts(rowid, names, display, body) "
    f"VALUES (new.id, {_NAMES}, new.display_name, new.search_document);"
)
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalog_tool_fts USING fts5("
    "names, display, body, tokenize='porter unicode61')",
    f"CREATE TRIGGER catalog_tool_fts_insert AFTER INSERT ON catalog_tool BEGIN {_INSERT} END",
    "CREATE TRIGGER catalog_tool_fts_update AFTER UPDATE OF full_name, display_name, "
    "search_document ON catalog_tool BEGIN "
    f"DELETE FROM catalog_tool_fts WHERE rowid = old.id; {_INSERT} END",
    "CREATE TRIGGER catalog_tool_fts_delete AFTER DELETE ON catalog_tool BEGIN "
    "DELETE FROM catalog_tool_fts WHERE rowid = old.id; END",
    "INSERT INTO catalog_tool_fts(rowid, names, display, body) SELECT id, "
    + _NAMES.replace("new.", "")
    + ", display_name, search_document FROM catalog_tool",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_tool_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_tool_fts_update",
    "DROP TRIGGER IF EXISTS catalog_tool_fts_insert",
    "DROP TABLE IF EXISTS catalog_tool_fts",
]


def _run(postgres, sqlite):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = {"postgresql": postgres, "sqlite": sqlite}.get(vendor, [])
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return operation


# The defaults of catalog/search/synonyms.py, written where a category has none yet so curators
# see and edit them in admin (empty synonyms answer to the same defaults at search time).
def _fill_synonyms(apps, schema_editor):
    from catalog.search.synonyms import DEFAULT_SYNONYMS

    Category = apps.get_model("catalog", "Category")
    for category in Category.objects.filter(synonyms="", slug__in=list(DEFAULT_SYNONYMS)):
        category.synonyms = ", ".join(DEFAULT_SYNONYMS[category.slug])
        category.save(update_fields=["synonyms"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_indexes")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="synonyms",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Other words people search this category by, comma-separated (e.g. LLM "
                    "serving, inference server). Empty: the defaults of "
                    "catalog/search/synonyms.py apply."
                ),
            ),
        ),
        migrations.RunPython(_fill_synonyms, migrations.RunPython.noop),
        migrations.RunPython(
            _run(POSTGRES_FORWARD, SQLITE_FORWARD), _run(POSTGRES_BACKWARD, SQLITE_BACKWARD)
        ),
    ]
