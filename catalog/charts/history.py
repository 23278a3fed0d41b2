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

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from catalog.charts.base import PALETTE, chart_ids, legend, number, path_data, rounded, ticks
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
        return ticks(low, high)
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

    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                left,
                width - right,
                rounded(y(t)),
                rounded(y(t)),
                left - 6,
                rounded(y(t) + 4),
                number(t),
            )
            for t in _y_ticks(low, max(values), scale)
        ),
    )
    x_labels = format_html(
        '<text class="tick" x="{}" y="{}">{}</text>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        left,
        height - 8,
        _x_label(first, axis),
        width - right,
        height - 8,
        _x_label(last, axis),
    ) + format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (rounded(x(d)), rounded(x(d)), height - bottom, height - bottom + 4,
             rounded(x(d)), height - 8, text)
            for d, text in _x_ticks(first, last, axis)
        ),
    )  # fmt: skip
    paths = format_html_join(
        "",
        '<path class="line" d="{}" stroke="{}" fill="none" stroke-width="2"><title>{}</title>'
        "</path>{}",
        (
            (
                path_data([None if v is None else (x(d), y(v)) for d, v in line.points]),
                PALETTE[i % len(PALETTE)],
                line.label,
                _marks(line, x, y, PALETTE[i % len(PALETTE)], axis),
            )
            for i, line in enumerate(lines)
        ),
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
    return format_html(
        '<svg class="chart" data-chart="star-history" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-t {}-d" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg" data-scale="{}" data-axis="{}">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}{}{}{}</svg>',
        width,
        height + legend_height,
        chart_id,
        chart_id,
        scale,
        axis,
        chart_id,
        title,
        chart_id,
        desc,
        grid,
        x_labels,
        paths,
        legend_markup,
    )


def _marks(
    line: HistoryLine,
    x: Callable[[int], float],
    y: Callable[[float], float],
    colour: str,
    axis: str,
) -> SafeString:
    marked = [(d, v) for d, v in line.points if v is not None and d in line.observed]
    if len(marked) > MAX_MARKS:  # keep the latest: the ones a reader checks
        marked = marked[-MAX_MARKS:]
    return format_html_join(
        "",
        '<circle class="observed" cx="{}" cy="{}" r="2.5" fill="#fff" stroke="{}" '
        'stroke-width="1.5"><title>{}: {} stars (observed)</title></circle>',
        ((rounded(x(d)), rounded(y(v)), colour, _x_label(d, axis), v) for d, v in marked),
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

    columns = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>week of {}: {} stars</title>'
        "</rect>",
        (
            (
                rounded(left + i * step),
                rounded(min(y(n), y(0))),
                rounded(max(step - (1 if step > 3 else 0), 0.5)),
                rounded(abs(y(n) - y(0))),
                PALETTE[0] if n >= 0 else PALETTE[4],
                start.isoformat(),
                f"{n:+,}",
            )
            for i, (start, n) in enumerate(weeks)
        ),
    )
    axis = format_html(
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">0</text>'
        '<text class="tick" x="{}" y="{}">{}</text>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        left, width - right, rounded(y(0)), rounded(y(0)),
        left - 6, rounded(y(high) + 8), compact(high),
        left - 6, rounded(y(0) + 4),
        left, height - 6, weeks[0][0].isoformat(),
        width - right, height - 6, weeks[-1][0].isoformat(),
    )  # fmt: skip
    busiest = max(weeks, key=lambda week: week[1])
    return format_html(
        '<svg class="chart" data-chart="weekly" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-t {}-d" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{} weeks from {} to {}; the busiest, the '
        "week of {}, gained {} stars.</desc>{}{}</svg>",
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        len(weeks),
        weeks[0][0].isoformat(),
        weeks[-1][0].isoformat(),
        busiest[0].isoformat(),
        compact(busiest[1]),
        axis,
        columns,
    )


def chart_option(value: str | None, *, name: str, allowed: Sequence[str]) -> str:
    """``?scale=`` / ``?align=``: absent or empty is the first choice; anything else not
    allowed raises ValueError naming the parameter."""
    if not value:
        return allowed[0]
    if value not in allowed:
        raise ValueError(f"{name}: must be one of {', '.join(allowed)} (got {value[:40]!r})")
    return value
