"""CSV exports: ``?format=csv`` (or ``Accept: text/csv``) on lists, rankings, trending and history.

Each row is one JSON item flattened: nested objects become dotted columns (``category.slug``),
lists are joined with ``;``. The view names the rows (``csv_rows``) and the columns
(``csv_columns``), so an empty result still has its header.

Small answers go through ``CSVRenderer``. The tool list, which may be 10,000 rows, streams
instead (``streaming_csv``): rows are read from the database in chunks, serialized one at a
time and sent ``STREAM_ROWS`` at a time, so memory stays constant and the first bytes leave
before the last row is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

#: Rows per chunk of a streamed CSV.
STREAM_ROWS = 200


def flatten(item: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            row.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            row[name] = ";".join("" if part is None else str(part) for part in value)
        else:
            row[name] = value
    return row


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # Keep spreadsheet programs from running a cell as a formula (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        context = renderer_context or {}
        view = context.get("view")
        rows_of = getattr(view, "csv_rows", None)
        rows: Iterable[Mapping[str, Any]] = rows_of(data) if rows_of else data or []
        flat = [flatten(row) for row in rows]
        columns = list(getattr(view, "csv_columns", None) or (flat[0].keys() if flat else []))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in flat:
            writer.writerow([_cell(row.get(column)) for column in columns])
        response = context.get("response")
        request = context.get("request")
        if response is not None and view is not None and response.status_code == 200:
            name = getattr(view, "csv_filename", None)
            filename = name(request) if callable(name) else (name or "strata")
            response["Content-Disposition"] = _disposition(filename)
        return buffer.getvalue().encode(self.charset)


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}.csv"'


def csv_chunks(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> Iterator[bytes]:
    """The header, then ``STREAM_ROWS`` rows per chunk, each row flattened as it comes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield buffer.getvalue().encode(CSVRenderer.charset)
    pending = 0
    buffer.seek(0)
    buffer.truncate()
    for item in rows:
        row = flatten(item)
        writer.writerow([_cell(row.get(column)) for column in columns])
        pending += 1
        if pending == STREAM_ROWS:
            yield buffer.getvalue().encode(CSVRenderer.charset)
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode(CSVRenderer.charset)


def streaming_csv(
    rows: Iterable[Mapping[str, Any]],
    columns: list[str],
    *,
    filename: str,
    headers: Mapping[str, str] | None = None,
) -> StreamingHttpResponse:
    """A 200 streaming ``rows`` as CSV: consumed lazily, as the client reads."""
    response = StreamingHttpResponse(
        csv_chunks(rows, columns), content_type=f"{CSVRenderer.media_type}; charset=utf-8"
    )
    response["Content-Disposition"] = _disposition(filename)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def serializer_columns(serializer, prefix: str = "") -> list[str]:
    """The flattened column names a serializer's items produce, in field order."""
    columns: list[str] = []
    for name, field in serializer.fields.items():
        nested = getattr(field, "fields", None)
        if nested is not None and not hasattr(field, "child"):
            columns += serializer_columns(field, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns
