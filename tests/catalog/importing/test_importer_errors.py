"""A bad row anywhere stops the import with file, line and field, and nothing is written —
not even the good rows before it, nor the changes other files would have made."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.importing import CatalogImportError, catalog_import
from catalog.models import Category, FormerName, Layer, MetricSnapshot, Tool

FIXTURES = Path(__file__).parent / "import_fixtures"
pytestmark = pytest.mark.django_db

TOOL_ROWS = 4  # rows in the fixture's ai_tools.csv: an appended row is on line 6
HISTORY_ROWS = 6  # and on line 8 of metrics_history.csv


def append(name: str, data: bytes) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / name
        path.write_bytes(path.read_bytes() + data)

    return change


def replace(name: str, data: bytes) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return change


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / name
        lines = path.read_text().splitlines()
        index = lines[0].split(",").index(column)
        kept = [",".join(c for i, c in enumerate(line.split(",")) if i != index) for line in lines]
        path.write_text("\n".join(kept) + "\n")

    return change


BAD_ROWS = {
    "unknown layer": (
        append("ai_tools.csv", b"late/tool,nowhere,serving,,,,\n"),
        'ai_tools.csv line 6, field "layer": unknown layer "nowhere"',
    ),
    "unknown category": (
        append("ai_tools.csv", b"late/tool,infra,nothing-here,,,,\n"),
        'ai_tools.csv line 6, field "category": unknown category "nothing-here"',
    ),
    "category of another layer": (
        append("ai_tools.csv", b"late/tool,apps,serving,,,,\n"),
        'ai_tools.csv line 6, field "category": category "serving" belongs to layer "infra"',
    ),
    "duplicate name in another case": (
        append("ai_tools.csv", b"ACME/Serve,infra,serving,,,,\n"),
        'ai_tools.csv line 6, field "full_name": "ACME/Serve" duplicates "acme/serve" on line 2',
    ),
    "bad owner/name": (
        append("ai_tools.csv", b"not a repo,infra,serving,,,,\n"),
        'ai_tools.csv line 6, field "full_name": "not a repo" is not a GitHub owner/name',
    ),
    "bad former name": (
        append("ai_tools.csv", b"late/tool,infra,serving,,,,just-an-owner\n"),
        'ai_tools.csv line 6, field "former_names": "just-an-owner" is not a GitHub owner/name',
    ),
    "malformed number": (
        append("metrics_history.csv", b"acme/vectors,2025-02-15,my-scraper,4O,,,,,,,\n"),
        'metrics_history.csv line 8, field "star_count": "4O" is not a whole number',
    ),
    "negative number": (
        append("metrics_history.csv", b"acme/vectors,2025-02-15,my-scraper,40,-2,,,,,,\n"),
        'metrics_history.csv line 8, field "fork_count": -2 is negative',
    ),
    "malformed date": (
        append("metrics_history.csv", b"acme/vectors,2025-13-01,my-scraper,40,,,,,,,\n"),
        'metrics_history.csv line 8, field "date": "2025-13-01" is not a date',
    ),
    "malformed date in the snapshot file": (
        append("metrics_snapshot.csv", b"coder/helper,yesterday,x,1,,,,,,,,,\n"),
        'metrics_snapshot.csv line 4, field "as_of": "yesterday" is not a date',
    ),
    "history of an unknown tool": (
        append("metrics_history.csv", b"ghost/repo,2025-02-15,my-scraper,40,,,,,,,\n"),
        'metrics_history.csv line 8, field "full_name": no tool "ghost/repo"',
    ),
    "same source twice on one date": (
        append("metrics_history.csv", b"acme/serve,2025-01-01,best-of-ml-python,1,,,,,,,\n"),
        'metrics_history.csv line 8, field "date": 2025-01-01 from best-of-ml-python repeats '
        "line 3",
    ),
    "missing column": (
        drop_column("ai_tools.csv", "category"),
        'ai_tools.csv line 1, field "category": missing column',
    ),
    "empty file": (
        replace("ai_tools.csv", b""),
        "ai_tools.csv: the file is empty",
    ),
    "header only": (
        replace("ai_tools.csv", b"full_name,layer,category\n"),
        "ai_tools.csv: the file has no rows after its header",
    ),
    "wrong encoding": (
        append("ai_tools.csv", "late/caf\u00e9,infra,serving,,,,\n".encode("latin-1")),
        "ai_tools.csv line 6: not valid UTF-8 (byte 0xe9)",
    ),
    "duplicate category in the taxonomy": (
        append("taxonomy.csv", b"apps,Applications,serving,Serving again,\n"),
        'taxonomy.csv line 5, field "category_slug": "serving" is already defined on line 2',
    ),
}


def database_state() -> dict[str, list[dict]]:
    models = (Layer, Category, Tool, FormerName, MetricSnapshot)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_is_refused_by_name_and_nothing_is_written(case, tmp_path):
    folder = Path(shutil.copytree(FIXTURES / "csv_catalog", tmp_path / "catalog"))
    catalog_import(paths=[folder])
    before = database_state()
    assert before["Tool"]
    assert before["MetricSnapshot"]
    # Good changes in three files (a new description, label, tool and star count), which
    # must not be applied either.
    for name, old, new in [
        ("taxonomy.csv", "Code assistants.", "Assistants that write code."),
        ("ai_tools.csv", "Serving/LLM", "Serving/Changed"),
        ("ai_tools.csv", "quiet/unmeasured", "brand/new-tool"),
        ("metrics_history.csv", ",100,10,", ",101,10,"),
    ]:
        path = folder / name
        path.write_text(path.read_text().replace(old, new, 1))
    change, message = BAD_ROWS[case]
    change(folder)

    with pytest.raises(CatalogImportError) as error:
        catalog_import(paths=[folder])

    assert message in str(error.value)
    assert database_state() == before


def test_a_bad_row_in_an_empty_database_leaves_it_empty(tmp_path):
    folder = Path(shutil.copytree(FIXTURES / "csv_catalog", tmp_path / "catalog"))
    append("metrics_history.csv", b"acme/vectors,2025-02-15,my-scraper,4O,,,,,,,\n")(folder)

    with pytest.raises(CatalogImportError, match='field "star_count"'):
        catalog_import(paths=[folder])

    assert database_state() == {name: [] for name in database_state()}


def test_a_bad_cell_in_a_json_file_is_named_by_record(tmp_path):
    folder = Path(shutil.copytree(FIXTURES / "json_catalog", tmp_path / "json"))
    history = folder / "metrics_history.json"
    history.write_text(history.read_text().replace('"star_count": 25', '"star_count": "many"'))

    with pytest.raises(CatalogImportError) as error:
        catalog_import(paths=[folder])

    assert 'metrics_history.json record 2, field "star_count": "many"' in str(error.value)
    assert not Tool.objects.exists()
