"""Server-side SVG charts: line charts of metric histories, sparklines and bar charts.

Every chart is plain SVG markup built here, so pages draw their charts without JavaScript.
All text that reaches the markup (tool names, labels) is escaped with ``format_html``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
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
_chart_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, int | float | None]]


def _path(coords: Sequence[tuple[float, float] | None]) -> str:
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


def _r(value: float) -> float:
    """A coordinate rounded for the markup (format_html turns arguments into text first)."""
    return round(value, 1)


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high <= low:
        return [low]
    step = (high - low) / count
    return [low + step * i for i in range(count + 1)]


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    zero_based: bool = False,
) -> SafeString:
    """A line per series over time with labelled axes and a legend when there are several."""
    chart_id = f"chart-{next(_chart_ids)}"
    values = [v for s in series for _, v in s.points if v is not None]
    days = [d for s in series for d, v in s.points if v is not None]
    if not values:
        return format_html(
            '<p class="chart-empty">No history for {} yet: it grows with each refresh.</p>',
            title,
        )
    left, right, top, bottom = 56, 12, 12, 28
    legend_height = 20 * ((len(series) + 2) // 3) if len(series) > 1 else 0
    plot_w, plot_h = width - left - right, height - top - bottom
    low = 0 if zero_based else min(values)
    high = max(values)
    if high == low:
        low, high = (low - 1, high + 1) if low else (0, 1)
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (left, width - right, _r(y(t)), _r(y(t)), left - 6, _r(y(t) + 4), compact(round(t)))
            for t in _ticks(low, high)
        ),
    )
    x_labels = format_html(
        '<text class="tick" x="{}" y="{}">{}</text>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        left,
        height - 8,
        first.isoformat(),
        width - right,
        height - 8,
        last.isoformat(),
    )
    lines = format_html_join(
        "",
        '<path class="line" d="{}" stroke="{}"><title>{}</title></path>',
        (
            (
                _path([None if v is None else (x(d), y(v)) for d, v in s.points]),
                PALETTE[i % len(PALETTE)],
                s.label,
            )
            for i, s in enumerate(series)
        ),
    )
    legend = format_html_join(
        "",
        '<g transform="translate({},{})"><rect width="12" height="12" fill="{}"/>'
        '<text x="16" y="11">{}</text></g>',
        (
            (left + (i % 3) * (plot_w // 3), height + 4 + 20 * (i // 3), PALETTE[i % 10], s.label)
            for i, s in enumerate(series)
        )
        if legend_height
        else (),
    )
    summary = "; ".join(f"{s.label}" for s in series)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{} from {} to {}, between {} and {}.</desc>'
        "{}{}{}{}</svg>",
        width,
        height + legend_height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        summary,
        first.isoformat(),
        last.isoformat(),
        compact(min(values)),
        compact(max(values)),
        grid,
        x_labels,
        lines,
        legend,
    )


def sparkline(
    points: Sequence[tuple[date, int | None]], *, label: str, width: int = 96, height: int = 24
) -> SafeString:
    """A tiny trend line through the known (date, value) points; a dash without data."""
    known = [(day, value) for day, value in points if value is not None]
    if len(known) < 2:
        return format_html('<span class="spark-empty" title="{}">–</span>', "no history yet")
    low = min(value for _, value in known)
    spread = (max(value for _, value in known) - low) or 1
    first = known[0][0]
    span = max((known[-1][0] - first).days, 1)
    coords = [
        (
            1 + (width - 2) * (day - first).days / span,
            height - 2 - (height - 4) * (v - low) / spread,
        )
        for day, v in known
    ]
    return format_html(
        '<svg class="spark" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" xmlns="http://www.w3.org/2000/svg"><path d="{}"/></svg>',
        width,
        height,
        width,
        height,
        label,
        _path(coords),
    )


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    bar_height: int = 22,
) -> SafeString:
    """Horizontal bars, one per (label, value) row, each labelled with its value."""
    chart_id = f"chart-{next(_chart_ids)}"
    if not rows:
        return format_html('<p class="chart-empty">No data for {} yet.</p>', title)
    label_w, value_w = 190, 70
    plot_w = width - label_w - value_w
    high = max(value for _, value in rows) or 1
    height = bar_height * len(rows) + 8
    bars = format_html_join(
        "",
        '<g transform="translate(0,{})"><text class="label" x="{}" y="{}" text-anchor="end">{}'
        '</text><rect x="{}" y="3" width="{}" height="{}" fill="{}"/>'
        '<text class="value" x="{}" y="{}">{}{}</text></g>',
        (
            (
                i * bar_height,
                label_w - 8,
                bar_height - 7,
                _shorten(label),
                label_w,
                _r(max(plot_w * value / high, 1)),
                bar_height - 6,
                PALETTE[0],
                _r(label_w + max(plot_w * value / high, 1) + 6),
                bar_height - 7,
                _number(value),
                unit,
            )
            for i, (label, value) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart bars" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>{}</svg>',
        width,
        height,
        chart_id,
        chart_id,
        title,
        bars,
    )


def _number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return compact(int(value))


def _shorten(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def stacked_columns(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 720,
    height: int = 260,
) -> SafeString:
    """One column per label (e.g. a year), stacked by series (e.g. a layer), with a legend."""
    chart_id = f"chart-{next(_chart_ids)}"
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return format_html('<p class="chart-empty">No data for {} yet.</p>', title)
    left, right, top, bottom = 48, 8, 10, 24
    legend_rows = (len(series) + 2) // 3
    plot_w, plot_h = width - left - right, height - top - bottom
    high = max(totals)
    slot = plot_w / len(labels)
    bar_w = max(slot * 0.75, 1)
    every = max(1, round(len(labels) / 12))  # label at most about a dozen columns
    rects = []
    for i, label in enumerate(labels):
        base = 0.0
        for s, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / high
            y = top + plot_h - (plot_h * base / high) - h
            rects.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}, {}: {}</title></rect>",
                    _r(left + i * slot + (slot - bar_w) / 2),
                    _r(y),
                    _r(bar_w),
                    _r(h),
                    PALETTE[s % len(PALETTE)],
                    name,
                    label,
                    _number(value),
                )
            )
            base += value
    x_labels = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (_r(left + i * slot + slot / 2), height - 8, label)
            for i, label in enumerate(labels)
            if i % every == 0
        ),
    )
    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                left,
                width - right,
                _r(top + plot_h * (1 - t / high)),
                _r(top + plot_h * (1 - t / high)),
                left - 6,
                _r(top + plot_h * (1 - t / high) + 4),
                _number(round(t)),
            )
            for t in _ticks(0, high)
        ),
    )
    legend = format_html_join(
        "",
        '<g transform="translate({},{})"><rect width="12" height="12" fill="{}"/>'
        '<text x="16" y="11">{}</text></g>',
        (
            (left + (i % 3) * (plot_w // 3), height + 4 + 20 * (i // 3), PALETTE[i % 10], name)
            for i, (name, _) in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>{}{}{}{}</svg>',
        width,
        height + 20 * legend_rows + 4,
        chart_id,
        chart_id,
        title,
        grid,
        mark_safe("".join(rects)),
        x_labels,
        legend,
    )
