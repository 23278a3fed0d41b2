"""Line charts of metric histories and sparklines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from catalog.charts.base import PALETTE, Series, chart_ids, legend, path_data, rounded, ticks
from catalog.templatetags.strata import compact


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    zero_based: bool = False,
) -> SafeString:
    """A line per series over time with labelled axes and a legend when there are several."""
    chart_id = f"chart-{next(chart_ids)}"
    values = [v for s in series for _, v in s.points if v is not None]
    days = [d for s in series for d, v in s.points if v is not None]
    if not values:
        return format_html(
            '<p class="chart-empty">No history for {} yet: it grows with each refresh.</p>',
            title,
        )
    left, right, top, bottom = 56, 12, 12, 28
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
            (
                left,
                width - right,
                rounded(y(t)),
                rounded(y(t)),
                left - 6,
                rounded(y(t) + 4),
                compact(round(t)),
            )
            for t in ticks(low, high)
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
                path_data([None if v is None else (x(d), y(v)) for d, v in s.points]),
                PALETTE[i % len(PALETTE)],
                s.label,
            )
            for i, s in enumerate(series)
        ),
    )
    legend_markup, legend_height = (
        legend([s.label for s in series], left=left, top=height + 4, width=plot_w)
        if len(series) > 1
        else ("", 0)
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
        legend_markup,
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
        path_data(coords),
    )
