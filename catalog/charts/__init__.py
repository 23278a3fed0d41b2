"""Server-side SVG charts: line charts of metric histories, sparklines and bar charts.

Every chart is plain SVG markup built here, so pages draw their charts without JavaScript.
All text that reaches the markup (tool names, labels) is escaped with ``format_html``.
"""

from collections.abc import Callable

from django.utils.html import format_html
from django.utils.safestring import SafeString

from catalog.charts.bars import bar_chart, stacked_columns
from catalog.charts.base import PALETTE, Series
from catalog.charts.lines import line_chart, sparkline

__all__ = [
    "PALETTE",
    "Series",
    "bar_chart",
    "line_chart",
    "responsive",
    "sparkline",
    "stacked_columns",
]


def responsive(draw: Callable[[int], SafeString], *, wide: int, narrow: int = 400) -> SafeString:
    """The chart drawn at two widths; CSS shows the narrow one on a phone, so its text stays
    legible at any screen size (an SVG's text scales with the SVG)."""
    return format_html(
        '<div class="chart-wide">{}</div><div class="chart-narrow">{}</div>',
        draw(wide),
        draw(narrow),
    )
