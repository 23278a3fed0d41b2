"""``manage.py import_catalog``: what a user sees — the summary, --if-empty, progress bars
on a terminal only, and a non-zero exit naming the bad cell."""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Tool

FIXTURES = Path(__file__).parent / "import_fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the small CSV catalog."""
    return Path(shutil.copytree(FIXTURES / "csv_catalog", tmp_path / "catalog"))


def summary(output: str) -> dict[str, tuple[int, int, int, int]]:
    """The command's summary lines: kind -> (created, updated, unchanged, skipped)."""
    pattern = r"^\s+([a-z ]+?)\s+(\d+) created\s+(\d+) updated\s+(\d+) unchanged\s+(\d+) skipped$"
    return {
        match[1]: tuple(int(n) for n in match.groups()[1:])
        for match in re.finditer(pattern, output, re.MULTILINE)
    }


def test_the_command_prints_a_summary_per_kind(catalog_dir, capsys):
    call_command("import_catalog", str(catalog_dir))
    first = capsys.readouterr().out
    call_command("import_catalog", str(catalog_dir))
    second = capsys.readouterr().out

    assert summary(first) == {
        "layers": (2, 0, 0, 0),
        "categories": (3, 0, 0, 0),
        "tools": (4, 0, 0, 0),
        "former names": (1, 0, 0, 0),
        "secondary categories": (0, 0, 0, 0),
        "snapshots": (5, 0, 0, 1),  # skipped: the day nobody reported anything
    }
    assert summary(second) == {
        "layers": (0, 0, 2, 0),
        "categories": (0, 0, 3, 0),
        "tools": (0, 0, 4, 0),
        "former names": (0, 0, 1, 0),
        "secondary categories": (0, 0, 0, 0),
        "snapshots": (0, 0, 5, 1),
    }
    assert "nothing changed" in second
    assert "\r" not in first  # no progress bar when the output is not a terminal


def test_if_empty_imports_into_an_empty_catalog_and_then_does_nothing(catalog_dir, capsys):
    call_command("import_catalog", str(catalog_dir), "--if-empty")
    assert Tool.objects.count() == 4
    capsys.readouterr()
    tools_csv = catalog_dir / "ai_tools.csv"
    tools_csv.write_text(tools_csv.read_text() + "late/comer,apps,coding,,,,\n")

    call_command("import_catalog", str(catalog_dir), "--if-empty")

    assert "already has 4 tools; nothing imported" in capsys.readouterr().out
    assert not Tool.objects.filter(full_name="late/comer").exists()


def test_the_command_exits_non_zero_naming_the_bad_cell(catalog_dir, tmp_path):
    """End to end in a separate process with its own SQLite file: the exit status and the
    message a user sees, and an untouched database afterwards."""
    tools_csv = catalog_dir / "ai_tools.csv"
    tools_csv.write_text(tools_csv.read_text() + "foo/bar,nowhere,serving,,,,\n")
    database = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--skip-checks", "-v0"], env=env, check=True)

    result = subprocess.run(
        [*manage, "import_catalog", str(catalog_dir), "--skip-checks"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert 'ai_tools.csv line 6, field "layer": unknown layer "nowhere"' in result.stderr
    assert "Nothing was imported." in result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from catalog_tool").fetchone() == (0,)
        assert db.execute("select count(*) from catalog_layer").fetchone() == (0,)


def test_command_error_for_a_bad_row_is_a_command_error(catalog_dir):
    (catalog_dir / "ai_tools.csv").write_bytes(b"")
    with pytest.raises(CommandError, match=r"ai_tools\.csv: the file is empty"):
        call_command("import_catalog", str(catalog_dir))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bars_show_on_a_terminal_unless_turned_off(catalog_dir):
    shown, hidden = Terminal(), Terminal()

    call_command("import_catalog", str(catalog_dir), stdout=shown)
    call_command("import_catalog", str(catalog_dir), "--no-progress", stdout=hidden)

    assert "Reading metrics_history.csv" in shown.getvalue()
    assert "\r" in shown.getvalue()
    assert "Reading" not in hidden.getvalue()
    assert "\r" not in hidden.getvalue()
