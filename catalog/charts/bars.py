"""Bar charts: horizontal bars and stacked columns."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from catalog.charts.base import PALETTE, chart_ids, legend, number, rounded, shorten, ticks


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
                shorten(label, max(label_w // 7, 10)),
                label_w,
                rounded(max(plot_w * value / high, 1)),
                bar_height - 6,
                PALETTE[0],
                rounded(label_w + max(plot_w * value / high, 1) + 6),
                bar_height - 7,
                number(value),
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
                    rounded(left + i * slot + (slot - bar_w) / 2),
                    rounded(y),
                    rounded(bar_w),
                    rounded(h),
                    PALETTE[s % len(PALETTE)],
                    name,
                    label,
                    number(value),
                )
            )
            base += value
    x_labels = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (rounded(left + i * slot + slot / 2), height - 8, label)
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
                rounded(top + plot_h * (1 - t / high)),
                rounded(top + plot_h * (1 - t / high)),
                left - 6,
                rounded(top + plot_h * (1 - t / high) + 4),
                number(round(t)),
            )
            for t in ticks(0, high)
        ),
    )
    legend_markup, legend_height = legend(
        [name for name, _ in series], left=left, top=height + 4, width=plot_w
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>{}{}{}{}</svg>',
        width,
        height + legend_height + 4,
        chart_id,
        chart_id,
        title,
        grid,
        mark_safe("".join(rects)),
        x_labels,
        legend_markup,
    )
