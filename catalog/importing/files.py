"""Reading catalog files for the importer: CSV or JSON, optionally gzip-compressed.

Every problem is raised as :class:`CatalogImportError` naming the file, the line (CSV) or
record (JSON) and the field, so a user can fix the exact cell. Nothing here touches the
database.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from catalog.names import is_full_name

# The four kinds of file a catalog is made of, by file name without extension.
KINDS = ("taxonomy", "ai_tools", "metrics_history", "metrics_snapshot")
SUFFIXES = (".csv", ".csv.gz", ".json", ".json.gz")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


class CatalogImportError(Exception):
    """A file cannot be imported; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a catalog file, with where it came from for error messages."""

    file: str
    where: str  # "line 17" (CSV) or "record 3" (JSON)
    values: dict[str, str]

    def error(self, field: str, message: str) -> CatalogImportError:
        return CatalogImportError(f'{self.file} {self.where}, field "{field}": {message}')

    def text(self, field: str, *, max_length: int | None = None, required: bool = False) -> str:
        value = (self.values.get(field) or "").strip()
        if required and not value:
            raise self.error(field, "must not be empty")
        if max_length is not None and len(value) > max_length:
            raise self.error(field, f"is {len(value)} characters long; at most {max_length}")
        return value

    def slug(self, field: str) -> str:
        value = self.text(field, max_length=64, required=True)
        if not SLUG_RE.match(value):
            raise self.error(field, f'"{value}" is not a slug (lower-case letters, digits, -)')
        return value

    def full_name(self, field: str = "full_name") -> str:
        return self.check_full_name(field, self.text(field, required=True))

    def check_full_name(self, field: str, value: str) -> str:
        if not is_full_name(value):
            raise self.error(field, f'"{value}" is not a GitHub owner/name')
        return value

    def names(self, field: str) -> list[str]:
        """A ``;``-separated list of owner/name spellings (empty cell: none)."""
        parts = [part.strip() for part in self.text(field).split(";")]
        return [self.check_full_name(field, part) for part in parts if part]

    def count(self, field: str) -> int | None:
        """A whole number >= 0; an empty or absent cell is None (not measured), never 0."""
        value = self.text(field)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise self.error(field, f'"{value}" is not a whole number') from None
        if number < 0:
            raise self.error(field, f"{number} is negative")
        if number > 2**31 - 1:
            raise self.error(field, f"{number} is too large")
        return number

    def day(self, field: str) -> date | None:
        """A YYYY-MM-DD date; a full ISO date-time is accepted and cut to its date."""
        moment = self.moment(field)
        return moment.date() if moment else None

    def required_day(self, field: str) -> date:
        """``day`` for a cell that must not be empty."""
        return self.required_moment(field).date()

    def required_moment(self, field: str) -> datetime:
        """``moment`` for a cell that must not be empty."""
        moment = self.moment(field, required=True)
        assert moment is not None  # ``text(required=True)`` raised on an empty cell
        return moment

    def moment(self, field: str, *, required: bool = False) -> datetime | None:
        """A YYYY-MM-DD date (read as midnight UTC) or an ISO 8601 date-time (UTC if naive)."""
        value = self.text(field, required=required)
        if not value:
            return None
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.error(field, f'"{value}" is not a date (YYYY-MM-DD)') from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class CatalogFile:
    kind: str
    path: Path

    @property
    def label(self) -> str:
        return self.path.name

    def rows(self, *, required: Sequence[str], allow_no_rows: bool = False) -> Records:
        """The records, read lazily, after checking the encoding and the required columns."""
        data = self.path.read_bytes()
        if self.path.name.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                message = f"{self.label}: not a readable gzip file ({exc})"
                raise CatalogImportError(message) from None
        text = _decode(self.label, data)
        del data
        if not text.strip():
            raise CatalogImportError(
                f"{self.label}: the file is empty; expected columns {', '.join(required)}"
            )
        if ".json" in self.path.suffixes:
            columns, rows, total = _json_rows(self.label, text)
        else:
            columns, rows, total = _csv_rows(self.label, text)
        missing = [name for name in required if name not in columns]
        if missing:
            where = "line 1" if ".csv" in self.path.suffixes else "record 1"
            raise CatalogImportError(
                f'{self.label} {where}, field "{missing[0]}": missing column '
                f"(required: {', '.join(required)}; found: {', '.join(columns) or 'none'})"
            )
        first = next(rows, None)
        if first is None and not allow_no_rows:
            raise CatalogImportError(f"{self.label}: the file has no rows after its header")
        return Records(itertools.chain([first], rows) if first else iter(()), total)


@dataclass(frozen=True)
class Records:
    """A file's rows, read one at a time (a big history never sits in memory as rows)."""

    rows: Iterator[Row]
    total: int  # about how many rows, for a progress bar

    def __iter__(self) -> Iterator[Row]:
        return self.rows


def _decode(label: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogImportError(
            f"{label} line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None


def _csv_rows(label: str, text: str) -> tuple[list[str], Iterator[Row], int]:
    reader = csv.reader(_lines(text), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        raise CatalogImportError(f"{label} line 1: malformed CSV ({exc})") from None

    def rows() -> Iterator[Row]:
        try:
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue  # blank line
                where = f"line {reader.line_num}"
                if len(cells) > len(header):
                    raise CatalogImportError(
                        f"{label} {where}: {len(cells)} cells but the header has "
                        f"{len(header)} columns"
                    )
                yield Row(label, where, dict(zip(header, cells, strict=False)))
        except csv.Error as exc:
            message = f"{label} line {reader.line_num}: malformed CSV ({exc})"
            raise CatalogImportError(message) from None

    return header, rows(), text.count("\n")


def _lines(text: str) -> Iterator[str]:
    """The text's lines, each with its newline (what csv expects of a file opened with
    ``newline=""``), without copying the whole text into a StringIO buffer."""
    start = 0
    while (end := text.find("\n", start)) != -1:
        yield text[start : end + 1]
        start = end + 1
    if start < len(text):
        yield text[start:]


def _json_rows(label: str, text: str) -> tuple[list[str], Iterator[Row], int]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogImportError(f"{label} line {exc.lineno}: malformed JSON ({exc.msg})") from None
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise CatalogImportError(f"{label}: expected a JSON list of objects")
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    rows = (
        Row(label, f"record {number}", {key: _json_cell(value) for key, value in record.items()})
        for number, record in enumerate(records, start=1)
    )
    return list(columns), rows, len(records)


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def catalog_files_find(paths: Sequence[Path]) -> dict[str, CatalogFile]:
    """The catalog files in ``paths`` (directories or single files), by kind."""
    found: dict[str, CatalogFile] = {}
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.iterdir() if _kind_of(p))
            if not candidates:
                raise CatalogImportError(
                    f"{path}: no catalog files here (looked for {', '.join(KINDS)} "
                    f"ending in {', '.join(SUFFIXES)})"
                )
        elif path.is_file():
            if not _kind_of(path):
                raise CatalogImportError(
                    f"{path}: not a catalog file name; use one of {', '.join(KINDS)} "
                    f"ending in {', '.join(SUFFIXES)}"
                )
            candidates = [path]
        else:
            raise CatalogImportError(f"{path}: no such file or directory")
        for candidate in candidates:
            kind = _kind_of(candidate)
            if kind is None:  # a directory's other files
                continue
            if kind in found and found[kind].path != candidate:
                raise CatalogImportError(
                    f"{candidate}: {kind} is given twice (also {found[kind].path})"
                )
            found[kind] = CatalogFile(kind, candidate)
    return found


def _kind_of(path: Path) -> str | None:
    for kind in KINDS:
        if any(path.name == kind + suffix for suffix in SUFFIXES):
            return kind
    return None


def iter_batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
