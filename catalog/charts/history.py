"""Star-history charts: whole-life lines on a linear or log scale, on calendar days or on days
since creation, with the observed days marked apart from the reconstructed ones, and a
stars-per-week column chart.

x values are day numbers: date ordinals on a calendar axis, days since creation on an age axis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from catalog.charts.base import (
    PALETTE,
    chart_ids,
    legend,
    path_data,
    rounded,
    tick_labels,
    ticks,
)
from catalog.templatetags.strata import compact

Scale = Literal["linear", "log"]
Axis = Literal["date", "age"]
SCALES: tuple[Scale, ...] = ("linear", "log")
AXES: tuple[Axis, ...] = ("date", "age")
MAX_MARKS = 400  # observed days marked per line; more would be a smudge


@dataclass(frozen=True)
class HistoryLine:
    label: str
    points: Sequence[tuple[int, int | None]]  # (day number, stars), oldest first; None: a gap
    observed: frozenset[int] = field(default_factory=frozenset)  # day numbers a refresh saw


def _x_label(x: int, axis: str) -> str:
    if axis == "age":
        return f"day {x}" if x < 730 else f"year {x / 365.25:.1f}"
    return date.fromordinal(x).isoformat()


def _x_ticks(first: int, last: int, axis: str, *, most: int = 6) -> list[tuple[int, str]]:
    """Labelled days between the two ends: new years on a calendar axis (month starts when the
    span is under two years), whole years since creation on an age axis (months under two)."""
    span = last - first
    if span < 60:
        return []
    if axis == "age":
        unit, label = (365.25, "year {}") if span >= 730 else (30.44, "month {}")
        marks = [(round(k * unit), label.format(k)) for k in range(1, int(last / unit) + 1)]
    else:
        start, end = date.fromordinal(first), date.fromordinal(last)
        if span >= 730:
            marks = [
                (date(y, 1, 1).toordinal(), str(y)) for y in range(start.year + 1, end.year + 1)
            ]
        else:
            months = [
                date(start.year + (start.month + k) // 12, (start.month + k) % 12 + 1, 1)
                for k in range((end.year - start.year) * 12 + end.month - start.month)
            ]
            marks = [(m.toordinal(), m.strftime("%Y-%m")) for m in months]
    margin = span * 0.15  # keep clear of the end labels (a full date is ~70 px of ~570)
    marks = [(d, text) for d, text in marks if first + margin < d < last - margin]
    stride = max(1, math.ceil(len(marks) / most))
    return marks[stride - 1 :: stride] if stride > 1 else marks


def _y_ticks(low: float, high: float, scale: str) -> list[float]:
    if scale == "linear":
        return ticks(low, high, whole=True)  # stars
    top = max(1, math.ceil(math.log10(max(high, 1))))
    powers = [10.0**k for k in range(top + 1) if 10.0**k <= max(high, 1) * 1.0001 or k == 0]
    if high >= 3 * powers[-1]:  # label the top too, or the upper part reads as unscaled
        powers.append(float(high))
    return powers


def history_chart(
    lines: Sequence[HistoryLine],
    *,
    title: str,
    scale: str = "linear",
    axis: str = "date",
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """A line per tool; observed days are dots, reconstructed days the line between them."""
    chart_id = f"chart-{next(chart_ids)}"
    xs = [x for line in lines for x, v in line.points if v is not None]
    values = [v for line in lines for _, v in line.points if v is not None]
    if not values:
        return format_html(
            '<p class="chart-empty">No history for {} yet: it grows with each refresh.</p>', title
        )
    left, right, top, bottom = 56, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = min(xs), max(xs)
    span = max(last - first, 1)
    low, high = (0.0, float(max(values) or 1)) if scale == "linear" else (0.0, max(values) + 1.0)

    def x(day: int) -> float:
        return left + plot_w * (day - first) / span

    def y(value: float) -> float:
        if scale == "log":
            share = math.log10(max(value, 0) + 1) / math.log10(high + 1)
        else:
            share = (value - low) / (high - low)
        return top + plot_h * (1 - share)

    grid = []
    levels = _y_ticks(low, max(values), scale)
    for t, label in zip(levels, tick_labels(levels), strict=True):
        level = rounded(y(t))
        grid.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{level}" y2="{level}"/>'
            f'<text class="tick" x="{left - 6}" y="{rounded(y(t) + 4)}" text-anchor="end">'
            f"{label}</text>"
        )
    x_labels = [
        f'<text class="tick" x="{left}" y="{height - 8}">{_x_label(first, axis)}</text>'
        f'<text class="tick" x="{width - right}" y="{height - 8}" text-anchor="end">'
        f"{_x_label(last, axis)}</text>"
    ]
    for d, text in _x_ticks(first, last, axis):
        at = rounded(x(d))
        x_labels.append(
            f'<line class="grid" x1="{at}" x2="{at}" y1="{height - bottom}" '
            f'y2="{height - bottom + 4}"/><text class="tick" x="{at}" y="{height - 8}" '
            f'text-anchor="middle">{text}</text>'
        )
    paths = []
    for i, line in enumerate(lines):
        colour = PALETTE[i % len(PALETTE)]
        path = path_data([None if v is None else (x(d), y(v)) for d, v in line.points])
        paths.append(
            f'<path class="line" d="{path}" stroke="{colour}" fill="none" stroke-width="2">'
            f"<title>{conditional_escape(line.label)}</title></path>"
            f"{_marks(line, x, y, colour, axis)}"
        )
    legend_markup, legend_height = (
        legend([line.label for line in lines], left=left, top=height + 4, width=plot_w)
        if len(lines) > 1
        else ("", 0)
    )
    observed = sum(len(line.observed) for line in lines)
    desc = (
        f"{'; '.join(line.label for line in lines)} from {_x_label(first, axis)} to "
        f"{_x_label(last, axis)}, between {compact(min(values))} and {compact(max(values))}, "
        f"on a {scale} scale; {observed} observed days are marked with dots, the other days "
        "are reconstructed from GitHub's star history."
    )
    return mark_safe(
        f'<svg class="chart" data-chart="star-history" viewBox="0 0 {width} '
        f'{height + legend_height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" '
        f'data-scale="{conditional_escape(scale)}" data-axis="{conditional_escape(axis)}">'
        f'<title id="{chart_id}-t">{conditional_escape(title)}</title>'
        f'<desc id="{chart_id}-d">{conditional_escape(desc)}</desc>{"".join(grid)}'
        f"{''.join(x_labels)}{''.join(paths)}{legend_markup}</svg>"
    )


def _marks(
    line: HistoryLine,
    x: Callable[[int], float],
    y: Callable[[float], float],
    colour: str,
    axis: str,
) -> str:
    """A dot per observed day (the latest ``MAX_MARKS``), its value in its tooltip."""
    observed = line.observed
    marked = [(d, v) for d, v in line.points if v is not None and d in observed]
    if len(marked) > MAX_MARKS:  # keep the latest: the ones a reader checks
        marked = marked[-MAX_MARKS:]
    return "".join(
        f'<circle class="observed" cx="{rounded(x(d))}" cy="{rounded(y(v))}" r="2.5" '
        f'fill="#fff" stroke="{colour}" stroke-width="1.5"><title>{_x_label(d, axis)}: {v} '
        "stars (observed)</title></circle>"
        for d, v in marked
    )


def weekly_columns(
    weeks: Sequence[tuple[date, int]], *, title: str, width: int = 640, height: int = 160
) -> SafeString:
    """Stars gained per week as columns (a week that lost stars draws below the axis)."""
    chart_id = f"chart-{next(chart_ids)}"
    if not weeks:
        return format_html('<p class="chart-empty">No weekly gains for {} yet.</p>', title)
    left, right, top, bottom = 56, 12, 8, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    high = max(max(n for _, n in weeks), 1)
    low = min(min(n for _, n in weeks), 0)
    step = plot_w / len(weeks)

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    zero = y(0)
    column_w = rounded(max(step - (1 if step > 3 else 0), 0.5))
    columns = "".join(
        f'<rect x="{rounded(left + i * step)}" y="{rounded(min(y(n), zero))}" '
        f'width="{column_w}" height="{rounded(abs(y(n) - zero))}" '
        f'fill="{PALETTE[0] if n >= 0 else PALETTE[4]}"><title>week of {start.isoformat()}: '
        f"{n:+,} stars</title></rect>"
        for i, (start, n) in enumerate(weeks)
    )
    axis = (
        f'<line class="grid" x1="{left}" x2="{width - right}" y1="{rounded(zero)}" '
        f'y2="{rounded(zero)}"/><text class="tick" x="{left - 6}" y="{rounded(y(high) + 8)}" '
        f'text-anchor="end">{compact(high)}</text><text class="tick" x="{left - 6}" '
        f'y="{rounded(zero + 4)}" text-anchor="end">0</text><text class="tick" x="{left}" '
        f'y="{height - 6}">{weeks[0][0].isoformat()}</text><text class="tick" '
        f'x="{width - right}" y="{height - 6}" text-anchor="end">{weeks[-1][0].isoformat()}</text>'
    )
    busiest = max(weeks, key=lambda week: week[1])
    return mark_safe(
        f'<svg class="chart" data-chart="weekly" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-t">'
        f'{conditional_escape(title)}</title><desc id="{chart_id}-d">{len(weeks)} weeks from '
        f"{weeks[0][0].isoformat()} to {weeks[-1][0].isoformat()}; the busiest, the week of "
        f"{busiest[0].isoformat()}, gained {compact(busiest[1])} stars.</desc>{axis}{columns}"
        "</svg>"
    )


def chart_option(value: str | None, *, name: str, allowed: Sequence[str]) -> str:
    """``?scale=`` / ``?align=``: absent or empty is the first choice; anything else not
    allowed raises ValueError naming the parameter."""
    if not value:
        return allowed[0]
    if value not in allowed:
        raise ValueError(f"{name}: must be one of {', '.join(allowed)} (got {value[:40]!r})")
    return value
