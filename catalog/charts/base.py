"""What every chart shares: colours, ids, coordinates and number formats."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from catalog.templatetags.strata import compact

#: Distinct colours that keep 3:1 contrast against white (WCAG non-text contrast).
PALETTE = (
    "#1f5fbf",
    "#c2410c",
    "#15803d",
    "#7e22ce",
    "#b91c1c",
    "#0e7490",
    "#a16207",
    "#be185d",
    "#4d7c0f",
    "#475569",
)
chart_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, int | float | None]]


def path_data(coords: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through the points; a None starts a new segment (a gap in the data)."""
    parts: list[str] = []
    pen_down = False
    for point in coords:
        if point is None:
            pen_down = False
            continue
        x, y = point
        parts.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    return " ".join(parts)


def rounded(value: float) -> float:
    """A coordinate rounded for the markup (format_html turns arguments into text first)."""
    return round(value, 1)


def nice_step(span: float, count: int) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that cuts ``span`` into at most
    ``count`` parts: ticks a reader can add up (10k, 20k, 30k rather than 8119.2, 16238.5)."""
    rough = span / count
    power = 10.0 ** math.floor(math.log10(rough))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= rough:
            return factor * power
    return 10.0 * power  # not reached: the loop ends on 10


def ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round values from ``low`` up to at most ``high`` (the plot's bounds are not moved); the
    bottom itself is labelled too when the first round value sits well above it. ``whole``:
    the values are counts, so ticks are whole numbers (no tick at 5.5 open issues)."""
    if high <= low:
        return [low]
    step = nice_step(high - low, count)
    if step >= 1 or whole:
        step = float(max(1, math.ceil(step)))  # counts: never a tick at 2.5 stars
    first = math.ceil(low / step) * step
    values = [first + step * i for i in range(int((high - first) / step + 1e-9) + 1)]
    return [low, *values] if first - low > step / 2 else values


def tick_labels(values: Sequence[float]) -> list[str]:
    """The labels of an axis's ticks: short ("2.2k") unless that makes two ticks read the same
    (2,160 and 2,180 are both "2.2k"), then every one in full ("2,160", "2,180")."""
    short = [number(value) for value in values]
    if len(set(short)) == len(short):
        return short
    return [
        f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
        for value in values
    ]


def number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return compact(int(value))


def shorten(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def legend(labels: Sequence[str], *, left: int, top: int, width: int) -> tuple[SafeString, int]:
    """Colour swatches with labels in rows under a chart; returns the markup and its height."""
    columns = 3 if max((len(label) for label in labels), default=0) <= 24 else 2
    column_width = width // columns
    fits = max(column_width // 7 - 3, 8)  # about 7 pixels a character at 11px
    rows = (len(labels) + columns - 1) // columns
    swatches = []
    for i, label in enumerate(labels):
        x, y = left + (i % columns) * column_width, top + 20 * (i // columns)
        swatches.append(
            f'<g transform="translate({x},{y})"><rect width="12" height="12" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/><text x="16" y="11">'
            f"{conditional_escape(shorten(label, fits))}</text></g>"
        )
    return mark_safe("".join(swatches)), 20 * rows
