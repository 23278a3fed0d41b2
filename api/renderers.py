"""CSV exports: ``?format=csv`` (or ``Accept: text/csv``) on lists, rankings, trending and history.

Each row is one JSON item flattened: nested objects become dotted columns (``category.slug``),
lists are joined with ``;``. The view names the rows (``csv_rows``) and the columns
(``csv_columns``), so an empty result still has its header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer


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
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return buffer.getvalue().encode(self.charset)


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
