"""Template tags for the pages with many repeated parts (the landscape's cards, the tool page's
history tables): each writes its markup in one pass, the same characters the template engine
wrote with an include, filters and a variable lookup per value — which took most of those
pages' time at 100 cards or 90 table rows. Every text from the catalog is escaped here, as
the templates would (``html.escape``: what Django's ``escape`` does to a ``str``, without its
lazy-string check per call); the figures go through the same filters
(``catalog.templatetags.strata``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from html import escape as _escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from catalog.names import NamedPath
from catalog.summaries import Leader
from catalog.templatetags.strata import figures_month, score, signed, stars, tool_name

register = template.Library()


def _figures(tool: Leader, as_of: date | None) -> str:
    """Stars, the 30-day gain, the score and (when old) the figures' month, as on a card."""
    parts = [str(stars(tool.stars))]
    if tool.stars_gained_30d is not None:
        gain = _escape(signed(tool.stars_gained_30d))
        parts.append(f' · <span title="stars gained in 30 days">30d {gain}</span>')
    if tool.score is not None:
        provisional = ", provisional" if tool.score_provisional else ""
        parts.append(
            f' · <span title="composite score{provisional}">{_escape(score(tool.score))}</span>'
        )
    month = _escape(figures_month(tool.metrics_as_of, as_of))
    if month:
        parts.append(f' · <span title="these figures are from {month}">{month}</span>')
    return "".join(parts)


@register.simple_tag(takes_context=True)
def tool_cards(context, tools: Sequence[Leader], as_of: date | None) -> SafeString:
    """The landscape's ``<li>`` cards of a category's leading tools (or its "No tools yet.")."""
    if not tools:
        return mark_safe('<li class="card muted">No tools yet.</li>\n        ')
    paths = context.render_context.get(NamedPath)
    if paths is None:  # once per page, for every category's cards
        paths = context.render_context[NamedPath] = NamedPath("catalog:tool-detail")
    cards = []
    for tool in tools:
        owner, _, name = tool.full_name.partition("/")
        cards.append(
            '\n        <li class="card">\n          '
            f"{tool_name(owner, name, paths(owner, name), tool.display_name)}"
            f'\n          <span class="figures">{_figures(tool, as_of)}</span>\n        </li>\n'
            "        "
        )
    return mark_safe("".join(cards))  # every text above is escaped or already markup


@register.simple_tag
def history_rows(rows: Iterable[tuple]) -> SafeString:
    """The ``<tr>`` of a history table: each day (YYYY-MM-DD), its value (``intcomma``) and,
    for a row of three, whether a refresh observed it or the star history reconstructed it."""
    cells = []
    for day, value, *source in rows:
        seen = f"<td>{'observed' if source[0] else 'reconstructed'}</td>" if source else ""
        cells.append(f'<tr><td>{day.isoformat()}</td><td class="num">{value:,}</td>{seen}</tr>')
    return mark_safe("".join(cells))
