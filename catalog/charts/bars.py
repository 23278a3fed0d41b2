"""Bar charts: horizontal bars and stacked columns.

The markup is built with f-strings: only text (titles, labels, names) is escaped, once per
distinct string; numbers and the palette's colours need no escaping (escaping each of a chart's
thousands of numbers through ``format_html`` was most of the /stats/ page's time).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from catalog.charts.base import (
    PALETTE,
    chart_ids,
    legend,
    number,
    rounded,
    shorten,
    tick_labels,
    ticks,
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
    chart_id = f"chart-{next(chart_ids)}"
    if not rows:
        return format_html('<p class="chart-empty">No data for {} yet.</p>', title)
    label_w, value_w = min(190, round(width * 0.36)), 60
    plot_w = width - label_w - value_w
    high = max(value for _, value in rows) or 1
    height = bar_height * len(rows) + 8
    fits = max(label_w // 7, 10)
    label_x, text_y, rect_h = label_w - 8, bar_height - 7, bar_height - 6
    suffix = conditional_escape(unit)
    bars = []
    for i, (label, value) in enumerate(rows):
        length = max(plot_w * value / high, 1)
        bars.append(
            f'<g transform="translate(0,{i * bar_height})"><text class="label" x="{label_x}" '
            f'y="{text_y}" text-anchor="end">{conditional_escape(shorten(label, fits))}</text>'
            f'<rect x="{label_w}" y="3" width="{rounded(length)}" height="{rect_h}" '
            f'fill="{PALETTE[0]}"/><text class="value" x="{rounded(label_w + length + 6)}" '
            f'y="{text_y}">{number(value)}{suffix}</text></g>'
        )
    return mark_safe(
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{conditional_escape(title)}</title>{"".join(bars)}</svg>'
    )


def stacked_columns(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 720,
    height: int = 260,
) -> SafeString:
    """One column per label (e.g. a year), stacked by series (e.g. a layer), with a legend."""
    chart_id = f"chart-{next(chart_ids)}"
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return format_html('<p class="chart-empty">No data for {} yet.</p>', title)
    left, right, top, bottom = 48, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    high = max(totals)
    slot = plot_w / len(labels)
    bar_w = max(slot * 0.75, 1)
    every = max(1, math.ceil(len(labels) * 36 / plot_w))  # labels about 36 pixels apart
    names = [conditional_escape(name) for name, _ in series]
    texts = [conditional_escape(label) for label in labels]
    column_w = rounded(bar_w)
    rects = []
    for i, label in enumerate(texts):
        column_x = rounded(left + i * slot + (slot - bar_w) / 2)
        base = 0.0
        for s, (_, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / high
            y = top + plot_h - (plot_h * base / high) - h
            rects.append(
                f'<rect x="{column_x}" y="{rounded(y)}" width="{column_w}" height="{rounded(h)}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{names[s]}, {label}: '
                f"{number(value)}</title></rect>"
            )
            base += value
    x_labels = "".join(
        f'<text class="tick" x="{rounded(left + i * slot + slot / 2)}" y="{height - 8}" '
        f'text-anchor="middle">{label}</text>'
        for i, label in enumerate(texts)
        if i % every == 0
    )
    grid = []
    levels = ticks(0, high, whole=all(float(total).is_integer() for total in totals))
    for t, tick_label in zip(levels, tick_labels(levels), strict=True):
        level = rounded(top + plot_h * (1 - t / high))
        grid.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{level}" y2="{level}"/>'
            f'<text class="tick" x="{left - 6}" y="{rounded(top + plot_h * (1 - t / high) + 4)}" '
            f'text-anchor="end">{tick_label}</text>'
        )
    legend_markup, legend_height = legend(
        [name for name, _ in series], left=left, top=height + 4, width=plot_w
    )
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height + legend_height + 4}" role="img" '
        f'aria-labelledby="{chart_id}-t" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{conditional_escape(title)}</title>{"".join(grid)}'
        f"{''.join(rects)}{x_labels}{legend_markup}</svg>"
    )
