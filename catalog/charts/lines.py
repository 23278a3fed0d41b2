"""Line charts of metric histories and sparklines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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
