"""Server-side SVG charts: line charts of metric histories, sparklines and bar charts.

Every chart is plain SVG markup built here, so pages draw their charts without JavaScript.
All text that reaches the markup (tool names, labels) is escaped with ``format_html``.
"""

from catalog.charts.bars import bar_chart, stacked_columns
from catalog.charts.base import PALETTE, Series
from catalog.charts.lines import line_chart, sparkline

__all__ = ["PALETTE", "Series", "bar_chart", "line_chart", "sparkline", "stacked_columns"]
