"""``catalog_tool_match`` (migration 0016): a narrow copy of what searches match on, which
counts a list's matches on PostgreSQL. It must hold every tool's copied columns after any
kind of write, and a count read from it must be the number of tools the list shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.import_files import write_import_files
from catalog.importing import catalog_import
from catalog.models import Tool, ToolStatus
from catalog.search.engine import plan_search
from catalog.search.match_table import COPIED, MATCH_TABLE, pks_statement
from catalog.tool_queries import parse_tool_query, tool_count, tool_list, unsearched
from tests.catalog.search.catalog import build_catalog
from tests.factories import make_category, make_tool, when

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the match table and its triggers are PostgreSQL's"
)
_COLUMNS = ", ".join(sorted(COPIED))


def _rows(table: str) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS.replace('search_vector', 'search_vector::text')} FROM {table}"
        )
        return set(cursor.fetchall())


def assert_in_step() -> None:
    tools = _rows("catalog_tool")
    assert tools, "nothing to compare"
    assert _rows(MATCH_TABLE) == tools


@pytest.mark.django_db
def test_the_copy_follows_every_kind_of_write():
    tools = build_catalog()  # created, then saved again with their topics in the text
    assert_in_step()

    other = make_category("elsewhere")
    Tool.objects.bulk_create(
        [
            Tool(full_name=f"bulk/tool{n}", category=other, search_document="bulk words")
            for n in "ab"
        ]
    )
    assert_in_step()

    tool = tools["qdrant/qdrant"]
    tool.display_name = "Qdrant engine"
    tool.search_document = "a completely different text"
    tool.save()  # every column set: copied, since the text changed
    tool.category = other
    tool.save(update_fields=["category"])
    assert_in_step()

    Tool.objects.filter(full_name__startswith="bulk/").update(hidden=True)
    Tool.objects.filter(full_name="ollama/ollama").update(status=ToolStatus.ARCHIVED)
    Tool.objects.filter(full_name="vllm-project/vllm").update(full_name="vllm-project/vllm2")
    with connection.cursor() as cursor:  # a raw write, as a curator in psql would make
        cursor.execute(
            "UPDATE catalog_tool SET search_document = 'psql' WHERE full_name LIKE 'l%%'"
        )
    assert_in_step()

    Tool.objects.filter(full_name__startswith="bulk/").delete()
    assert_in_step()


@pytest.mark.django_db
def test_a_write_that_sets_no_copied_column_leaves_the_copy_alone():
    tool = make_tool("a/tool", search_document="words")
    with connection.cursor() as cursor:  # the copy's row, replaced behind the trigger's back
        cursor.execute(f"UPDATE {MATCH_TABLE} SET hidden = true WHERE id = %s", [tool.pk])

    Tool.objects.filter(pk=tool.pk).update(stars=10, rank_in_category=1)  # a refresh, a rank

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hidden FROM {MATCH_TABLE} WHERE id = %s", [tool.pk])
        assert cursor.fetchone() == (True,)  # no trigger ran for metrics and ranks


@pytest.mark.django_db
def test_emptying_the_tools_table_empties_the_copy():
    make_tool("a/tool")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute("TRUNCATE catalog_tool CASCADE")
        cursor.execute(f"SELECT count(*) FROM {MATCH_TABLE}")
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_fills_the_copy(tmp_path: Path):
    write_import_files(tmp_path, 120, today=date(2026, 11, 30))
    indexes = _indexes()
    assert len(indexes) == 3  # the primary key, the vector's GIN index, the category's

    with CaptureQueriesContext(connection) as captured:
        report = catalog_import(paths=[tmp_path])

    assert "creating indexes" in report.seconds  # the COPY path with indexes built after
    statements = [query["sql"] for query in captured.captured_queries]
    assert 'DROP INDEX "tool_match_vector_idx"' in statements  # built once, after the load
    assert len(_rows(MATCH_TABLE)) == 120
    assert_in_step()
    assert _indexes() == indexes  # dropped for the load, built again as they were


def _indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [MATCH_TABLE]
        )
        return set(cursor.fetchall())


SEARCHES = [
    {"q": "vector"},
    {"q": "vector database"},
    {"q": "llama"},
    {"q": "agent framework"},
    {"q": "langchain"},  # a name, and a former name
    {"q": "qdrnt"},  # a typo: names close to it
    {"q": "vector", "layer": "infrastructure"},  # first and secondary placements
    {"q": "serving", "category": "serving"},
    {"q": "model", "status": "any"},
    {"q": "model", "status": "archived"},
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", SEARCHES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_a_search_is_counted_from_the_copy_and_the_count_is_what_the_list_shows(params):
    tools = build_catalog()
    vector_search = tools["qdrant/qdrant"].category
    tools["langchain-ai/langchain"].secondary_categories.add(vector_search)  # placed twice
    Tool.objects.filter(pk=tools["qdrant/qdrant"].pk).update(hidden=True)
    Tool.objects.filter(pk=tools["ollama/ollama"].pk).update(status=ToolStatus.ARCHIVED)
    query = parse_tool_query(params)
    assert query.q
    plan = plan_search(tool_list(query=unsearched(query)), query.q)
    listed = len(tool_list(query=query, plan=plan))

    with CaptureQueriesContext(connection) as counted_with:
        counted = tool_count(query=query, plan=plan)

    assert counted == listed
    assert [MATCH_TABLE in q["sql"] for q in counted_with.captured_queries] == [True]


@pytest.mark.django_db
def test_a_list_filtered_on_another_column_is_counted_from_the_tools_table():
    build_catalog()
    query = parse_tool_query({"q": "vector", "language": "Rust", "stars_min": "10"})
    tools = tool_list(query=query)

    sql, _ = pks_statement(tools)

    assert MATCH_TABLE not in sql
    assert tool_count(query=query) == len(tools)


# One value for every filter a list takes, each asked with words: a filter reading a column
# the copy lacks must be counted from catalog_tool, never fail on the copy.
EVERY_FILTER = {
    "layer": "infrastructure",
    "category": "vector-search,serving",
    "language": "Python",
    "license": "permissive",
    "topic": "vector-database,rust",
    "status": "active,archived",
    "lifecycle": "steady,rising",
    "featured": "false",
    "stars_min": "100",
    "stars_max": "200000",
    "gained_30d_min": "0",
    "pushed_after": "2020-01-01",
    "created_after": "2020-01-01",
    "ordering": "-stars",
}


@pytest.mark.django_db
def test_every_filter_of_a_list_is_tried_with_words():
    build_catalog()  # the layer and categories named
    every = parse_tool_query({**EVERY_FILTER, "q": "vector"}).to_params()
    assert set(every) - {"q"} == set(EVERY_FILTER)  # a new filter: add it above


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EVERY_FILTER))
def test_a_search_with_any_filter_counts_what_the_list_shows(name):
    build_catalog()
    Tool.objects.update(  # values every filter above lets through
        language="Python",
        license_spdx="MIT",
        lifecycle="steady",
        stars_gained_30d=5,
        pushed_at=when("2026-11-01"),
        repo_created_at=when("2024-01-01"),
    )
    query = parse_tool_query({"q": "vector", name: EVERY_FILTER[name]})
    plan = plan_search(tool_list(query=unsearched(query)), "vector")

    counted = tool_count(query=query, plan=plan)

    assert counted == len(tool_list(query=query, plan=plan))
    assert counted > 0  # the filter lets matches through: two real numbers compared


@pytest.mark.django_db
def test_the_copied_columns_have_the_types_of_the_tools_table():
    """A migration that retypes a copied column of catalog_tool must retype the copy (and
    recreate migration 0016's triggers if it renames one): this fails until it does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, character_maximum_length "
            "FROM information_schema.columns WHERE table_name = ANY(%s) AND column_name = ANY(%s)",
            [["catalog_tool", MATCH_TABLE], sorted(COPIED)],
        )
        types: dict[str, dict[str, tuple]] = {}
        for table, column, data_type, length in cursor.fetchall():
            types.setdefault(table, {})[column] = (data_type, length)
    assert set(types[MATCH_TABLE]) == COPIED
    assert types[MATCH_TABLE] == types["catalog_tool"]
