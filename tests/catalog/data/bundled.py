"""The bundled catalog files, read with the csv module (no database, no importer)."""

from __future__ import annotations

import csv
import gzip
import io
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "catalog" / "data"

# Rule 2 of docs/taxonomy.md: these repository names are lists (or courses) by their name.
LIST_NAME = re.compile(r"^(awesome|best-of)|-awesome-|-lists?$", re.IGNORECASE)


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of one bundled file (``.gz`` files are decompressed)."""
    raw = (DATA / name).read_bytes()
    text = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))


def tools() -> tuple[dict[str, str], ...]:
    return rows("ai_tools.csv")


def split(cell: str) -> list[str]:
    """A ``;``-separated cell as a list (an empty cell: none)."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def repo_name(full_name: str) -> str:
    return full_name.split("/", 1)[1]


def tool_by_name() -> dict[str, dict[str, str]]:
    """Every tool by lower-case current name and former name."""
    found: dict[str, dict[str, str]] = {}
    for row in tools():
        for name in (row["full_name"], *split(row["former_names"])):
            found[name.lower()] = row
    return found
