"""Line charts of metric histories and sparklines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from catalog.charts.base import (
    PALETTE,
    Series,
    chart_ids,
    legend,
    path_data,
    rounded,
    tick_labels,
    ticks,
)
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

    grid = []
    levels = ticks(low, high, whole=all(float(value).is_integer() for value in values))
    for t, label in zip(levels, tick_labels(levels), strict=True):
        level = rounded(y(t))
        grid.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{level}" y2="{level}"/>'
            f'<text class="tick" x="{left - 6}" y="{rounded(y(t) + 4)}" text-anchor="end">'
            f"{label}</text>"
        )
    x_labels = (
        f'<text class="tick" x="{left}" y="{height - 8}">{first.isoformat()}</text>'
        f'<text class="tick" x="{width - right}" y="{height - 8}" text-anchor="end">'
        f"{last.isoformat()}</text>"
    )
    lines = []
    for i, line in enumerate(series):
        path = path_data([None if v is None else (x(d), y(v)) for d, v in line.points])
        lines.append(
            f'<path class="line" d="{path}" stroke="{PALETTE[i % len(PALETTE)]}">'
            f"<title>{conditional_escape(line.label)}</title></path>"
        )
    legend_markup, legend_height = (
        legend([s.label for s in series], left=left, top=height + 4, width=plot_w)
        if len(series) > 1
        else ("", 0)
    )
    summary = "; ".join(f"{s.label}" for s in series)
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height + legend_height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-t">{conditional_escape(title)}'
        f'</title><desc id="{chart_id}-d">{conditional_escape(summary)} from {first.isoformat()} '
        f"to {last.isoformat()}, between {compact(min(values))} and {compact(max(values))}."
        f"</desc>{''.join(grid)}{x_labels}{''.join(lines)}{legend_markup}</svg>"
    )


@lru_cache(maxsize=256)
def _spark_xs(x_scale: int, span: int) -> tuple[str, ...]:
    """The x coordinate, as the path writes it, of each day 0..``span`` of a sparkline: most
    sparklines of a page span the same days, so each is formatted once, not per point."""
    return tuple(f"{1 + x_scale * day / span:.1f}" for day in range(span + 1))


def sparkline(
    points: Sequence[tuple[date, int | None]], *, label: str, width: int = 96, height: int = 24
) -> SafeString:
    """A tiny trend line through the known (date, value) points (oldest first); a dash
    without data.

    Drawn in one pass over the points with the path written directly: a list page draws 50 of
    them, up to 91 points each."""
    known = [(day.toordinal(), value) for day, value in points if value is not None]
    if len(known) < 2:
        return format_html('<span class="spark-empty" title="{}">–</span>', "no history yet")
    values = [value for _, value in known]
    low = min(values)
    spread = (max(values) - low) or 1
    first = known[0][0]
    xs = _spark_xs(width - 2, max(known[-1][0] - first, 1))
    y_scale, bottom = height - 4, height - 2
    path = " L".join(
        [
            f"{xs[day - first]},{bottom - y_scale * (value - low) / spread:.1f}"
            for day, value in known
        ]
    )
    return mark_safe(  # the label is escaped; the rest is numbers
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{conditional_escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<path d="M{path}"/></svg>'
    )
