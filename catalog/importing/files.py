"""Reading catalog files for the importer: CSV or JSON, optionally gzip-compressed.

Every problem is raised as :class:`CatalogImportError` naming the file, the line (CSV) or
record (JSON) and the field, so a user can fix the exact cell. Nothing here touches the
database.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, cast

from catalog.names import is_full_name

# The four kinds of file a catalog is made of, by file name without extension.
KINDS = ("taxonomy", "ai_tools", "metrics_history", "metrics_snapshot")
SUFFIXES = (".csv", ".csv.gz", ".json", ".json.gz")

CHUNK = 1 << 16
SAMPLE = 1 << 16

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

    @property
    def is_json(self) -> bool:
        return ".json" in self.path.suffixes

    def rows(self, *, required: Sequence[str], allow_no_rows: bool = False) -> Records:
        """The records as :class:`Row` objects, read lazily (for the smaller files)."""
        table = self.table(required=required, allow_no_rows=allow_no_rows)
        rows = (table.row(number, cells) for number, cells in table)
        return Records(rows, table.total)

    def table(self, *, required: Sequence[str], allow_no_rows: bool = False) -> Table:
        """The records as plain cell lists, streamed from the file (CSV) after checking the
        encoding of the start, the header and the required columns."""
        if self.is_json:
            header, records, total = _json_rows(self.label, _decode(self.label, self._bytes()))
        else:
            self._check_not_blank(required)
            header, records, total = self._csv_rows()
        missing = [name for name in required if name not in header]
        if missing:
            where = "record 1" if self.is_json else "line 1"
            raise CatalogImportError(
                f'{self.label} {where}, field "{missing[0]}": missing column '
                f"(required: {', '.join(required)}; found: {', '.join(header) or 'none'})"
            )
        first = next(records, None)
        if first is None and not allow_no_rows:
            raise CatalogImportError(f"{self.label}: the file has no rows after its header")
        rows = itertools.chain([first], records) if first else iter(())
        return Table(self.label, "record" if self.is_json else "line", header, rows, total)

    def _bytes(self) -> bytes:
        data = self.path.read_bytes()
        if self.path.name.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise self._gzip_error(exc) from None
        return data

    def _gzip_error(self, exc: BaseException) -> CatalogImportError:
        return CatalogImportError(f"{self.label}: not a readable gzip file ({exc})")

    def _binary(self) -> IO[bytes]:
        if self.path.name.endswith(".gz"):
            return cast(IO[bytes], gzip.open(self.path, "rb"))
        return self.path.open("rb")

    def _check_not_blank(self, required: Sequence[str]) -> None:
        """A file of nothing but white space is "empty", however long."""
        with self._streamed() as stream:
            while chunk := stream.read(CHUNK):
                if chunk.strip():
                    return
        raise CatalogImportError(
            f"{self.label}: the file is empty; expected columns {', '.join(required)}"
        )

    @contextmanager
    def _streamed(self) -> Iterator[IO[str]]:
        """The file as text; a gzip or UTF-8 error anywhere in it names the file (and line)."""
        binary = self._binary()
        try:
            with io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text:
                yield text
        except UnicodeDecodeError:
            raise self._encoding_error() from None
        except (OSError, EOFError) as exc:
            if not self.path.name.endswith(".gz"):
                raise
            raise self._gzip_error(exc) from None
        finally:
            binary.close()

    def _encoding_error(self) -> CatalogImportError:
        """The first byte that is not UTF-8, by line (read again: only on an error)."""
        with self._binary() as binary:
            for number, line in enumerate(binary, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    return CatalogImportError(
                        f"{self.label} line {number}: not valid UTF-8 "
                        f"(byte 0x{line[exc.start]:02x}); save the file as UTF-8"
                    )
        return CatalogImportError(f"{self.label}: not valid UTF-8; save the file as UTF-8")

    def _csv_rows(self) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
        records = self._csv_records()
        _, header = next(records)
        return header, records, self.estimated_rows()

    def _csv_records(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells): the header first, then each row that is not blank."""
        label = self.label
        with self._streamed() as text:
            reader = csv.reader(text, strict=True)
            try:
                header = [name.strip() for name in next(reader, [])]
                yield 1, header
                width = len(header)
                for cells in reader:
                    first = cells[0] if cells else ""
                    if (not first or first.isspace()) and not any(c.strip() for c in cells):
                        continue  # blank line
                    if len(cells) != width:
                        if len(cells) > width:
                            raise CatalogImportError(
                                f"{label} line {reader.line_num}: {len(cells)} cells but the "
                                f"header has {width} columns"
                            )
                        cells += [""] * (width - len(cells))
                    yield reader.line_num, cells
            except csv.Error as exc:
                line = max(reader.line_num, 1)
                raise CatalogImportError(f"{label} line {line}: malformed CSV ({exc})") from None

    def estimated_rows(self) -> int:
        """About how many rows the file has (for a progress bar and the staging plan): its
        uncompressed size over the length of its first lines, without reading it all."""
        size = self.path.stat().st_size
        if self.path.name.endswith(".gz") and size >= 4:
            with self.path.open("rb") as raw:
                raw.seek(-4, 2)
                size = max(size, int.from_bytes(raw.read(4), "little"))  # ISIZE (mod 4 GiB)
        try:
            with self._binary() as binary:
                sample = binary.read(SAMPLE)
        except (OSError, EOFError):
            return 0
        lines = sample.count(b"\n")
        return max(0, round(size * lines / len(sample)) - 1) if lines else 0


@dataclass(frozen=True)
class Table:
    """A file's records as cell lists in header order, each with its line (CSV) or record
    (JSON) number, streamed: a big history never sits in memory."""

    label: str
    word: str  # "line" or "record"
    header: list[str]
    records: Iterator[tuple[int, list[str]]]
    total: int  # about how many records, for a progress bar

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self.records

    def where(self, number: int) -> str:
        return f"{self.word} {number}"

    def row(self, number: int, cells: list[str]) -> Row:
        return Row(self.label, self.where(number), dict(zip(self.header, cells, strict=True)))


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


def _json_rows(label: str, text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
    """A JSON file is parsed whole (JSON has no streaming reader in the standard library):
    give a big history as CSV."""
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogImportError(f"{label} line {exc.lineno}: malformed JSON ({exc.msg})") from None
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise CatalogImportError(f"{label}: expected a JSON list of objects")
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    header = list(columns)
    rows = (
        (number, [_json_cell(record.get(name)) for name in header])
        for number, record in enumerate(records, start=1)
    )
    return header, rows, len(records)


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
