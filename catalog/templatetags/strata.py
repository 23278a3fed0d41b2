"""Template filters for showing metrics: compact numbers, signed gains, unmeasured values."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from catalog import selectors

register = template.Library()

NOT_MEASURED = "not yet measured"


@register.filter
def compact(value: int | float | str | None) -> str:
    """12345 → "12.3k", 2_400_000 → "2.4M"; None → "—"."""
    if value is None or value == "":
        return "—"
    number = float(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if number >= limit:
            scaled = f"{number / limit:.1f}".removesuffix(".0")
            return f"{sign}{scaled}{suffix}"
    return f"{sign}{int(number)}" if number.is_integer() else f"{sign}{number:.1f}"


@register.filter
def signed(value: int | float | None) -> str:
    """A gain with its sign (+1.2k, −30); None (not enough history) → "—"."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{compact(value)}"
    if value < 0:
        return f"−{compact(-value)}"
    return "0"


@register.filter
def stars(value: int | None):
    """The star count, or the words "not yet measured" (never 0) for an unmeasured tool."""
    if value is None:
        return format_html('<span class="unmeasured">{}</span>', NOT_MEASURED)
    return format_html('<span title="{} stars">★ {}</span>', f"{value:,}", compact(value))


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}%"


@register.filter
def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.simple_tag(takes_context=True)
def url_with(context, **changes) -> str:
    """The current URL's query string with some parameters replaced (None or "" removes)."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    if "page" not in changes:
        params.pop("page", None)  # a new filter or order starts again at page 1
    encoded = params.urlencode(safe="/,")
    return f"?{encoded}" if encoded else "?"


@register.filter
def http_url(value: str | None) -> str:
    """The URL when it is http(s); empty otherwise (no javascript: links from GitHub data)."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def owner_part(full_name: str) -> str:
    return full_name.split("/", 1)[0]


@register.filter
def name_part(full_name: str) -> str:
    return full_name.split("/", 1)[-1]


@register.simple_tag(takes_context=True)
def sort_header(context, label: str, key: str, css: str = "num"):
    """A column header that sorts by ``key`` (descending first; again for ascending), marked
    with aria-sort when the table is sorted by it. Plain text where sorting is not offered."""
    current = context.get("ordering")
    if not context.get("sortable"):
        return format_html('<th scope="col" class="{}">{}</th>', css, label)
    state = {f"-{key}": "descending", key: "ascending"}.get(current or "")
    target = key if current == f"-{key}" else f"-{key}"
    arrow = {"descending": " ↓", "ascending": " ↑"}.get(state or "", "")
    return format_html(
        '<th scope="col" class="{}"{}><a href="{}" title="Sort by {}">{}{}</a></th>',
        css,
        format_html(' aria-sort="{}"', state) if state else "",
        url_with(context, ordering=target),
        label.lower(),
        label,
        arrow,
    )


@register.simple_tag
def catalog_as_of() -> date | None:
    """The catalog's "as of" (its newest observation): ``{% catalog_as_of as as_of %}``."""
    return selectors.catalog_as_of()


@register.filter
def figures_month(metrics_as_of: datetime | None, as_of: date | None) -> str:
    """ "Jun 2025" when a tool's figures are over 30 days older than the catalog, else ""."""
    day = metrics_as_of.date() if isinstance(metrics_as_of, datetime) else metrics_as_of
    return selectors.figures_month(day, as_of)


@register.filter
def any_value(items: Iterable[object], attribute: str) -> bool:
    """Whether any item has ``attribute`` set (0 counts; None and "" do not): a column with
    no data on the page is left out rather than filled with dashes."""
    return any(getattr(item, attribute, None) not in (None, "") for item in items)


@register.filter
def initials(owner: str) -> str:
    """The avatar fallback: the first two letters or digits of the owner, upper-cased."""
    letters = [c for c in owner if c.isalnum()]
    return "".join(letters[:2]).upper() or "?"


# --- Rows of the tool lists ----------------------------------------------------------------
# A list page prints 25–50 rows of about 15 values each. Drawn through the template engine
# (an include, filters and a variable lookup per value) they took most of the page's time;
# these tags write the same markup in one pass from the rows ``catalog.views.common.list_rows``
# prepared. Every text from the catalog is escaped here, as the templates would.

#: Django's ``escape`` is ``html.escape`` on the text (and marks it safe); called directly,
#: ~750 times a page, it skips the lazy-text check around it.
_escape = html.escape

_PROVISIONAL = (
    '<small class="provisional" title="provisional: no current star trend; from stars, '
    'activity and contributors">provisional</small>'
)


def tool_name(owner: str, repo_name: str, url: str, display_name: str) -> str:
    """``includes/tool_name.html``, character for character (tests compare the two), for the
    rows and cards drawn in Python: the owner's avatar over its initials, owner/name linked to
    the tool's page, and the display name."""
    return (
        '<span class="tool-name"><span class="avatar" aria-hidden="true"><span class="initials">'
        f"{_escape(initials(owner))}</span>"
        f'<img src="https://github.com/{_escape(quote(owner))}.png?size=40" width="20" '
        'height="20" loading="lazy" alt=""></span>'
        f'<a href="{_escape(url)}"><span class="owner">{_escape(owner)}/</span><wbr>'
        f'<span class="repo">{_escape(repo_name)}</span></a></span>'
        + (f" <small>{_escape(display_name)}</small>" if display_name else "")
        + "\n"
    )


def _tool_name(row: Mapping[str, Any]) -> str:
    return tool_name(row["owner"], row["repo_name"], row["url"], row["display_name"])


@register.simple_tag(takes_context=True)
def tool_rows(context) -> SafeString:
    """The ``<tr>`` of each of ``tools`` in ``includes/tool_table.html``, with the columns the
    context asks for (``hide_category``, ``has_30d``, ``has_7d``, ``has_language``,
    ``compare_form``; the 30-day column shows on phones too when the list is sorted by it)."""
    hide_category = context.get("hide_category")
    has_30d, has_7d = context.get("has_30d"), context.get("has_7d")
    has_language, compare_form = context.get("has_language"), context.get("compare_form")
    gain_class = (
        "num" if context.get("ordering") in ("-gained_30d", "gained_30d") else "num hide-small"
    )
    parts = []
    for row in context["tools"]:
        status, text, month = row["status"], row["text"], row["month"]
        category = (
            ""
            if hide_category
            else f'<td class="hide-small"><a href="{_escape(row["category_url"])}">'
            f"{_escape(row['category_name'])}</a></td>"
        )
        compare = (
            f'<td><input type="checkbox" name="tools" value="{_escape(row["full_name"])}" '
            f'form="{_escape(compare_form)}" id="cmp-{row["pk"]}" '
            f'aria-label="Compare {_escape(row["full_name"])}"></td>'
            if compare_form
            else ""
        )
        parts.append(
            f'\n    <tr>\n      <td class="num">{row["number"]}</td>\n'
            f'      <td class="tool-cell">{_tool_name(row)}\n        '
            + (
                f'<span class="badge {_escape(status)}">{_escape(row["status_label"])}</span>'
                if status != "active"
                else ""
            )
            + "\n        "
            + (f'<span class="tool-description">{_escape(text)}</span>' if text else "")
            + f"</td>\n      {category}\n"
            f'      <td class="num">{row["stars"]}'
            + (
                f'<small class="figures-month" title="these figures are from {_escape(month)}">'
                f"{_escape(month)}</small>"
                if month
                else ""
            )
            + "</td>\n      "
            + (f'<td class="{gain_class}">{_escape(row["gained_30d"])}</td>' if has_30d else "")
            + "\n      "
            + (f'<td class="num hide-small">{_escape(row["gained_7d"])}</td>' if has_7d else "")
            + f'\n      <td class="num">{_escape(row["score"])}'
            + (_PROVISIONAL if row["provisional"] else "")
            + f'</td>\n      <td class="hide-small">{row["sparkline"]}</td>\n      '
            + (f'<td class="hide-small">{_escape(row["language"])}</td>' if has_language else "")
            + f"\n      {compare}\n    </tr>\n  "
        )
    return mark_safe("".join(parts))  # every value above is escaped or already markup


@register.simple_tag
def trending_rows(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """The ``<tr>`` of each of ``rows`` on the trending page."""
    parts = []
    for row in rows:
        text = row["text"]
        parts.append(
            f'\n    <tr><td class="num">{row["number"]}</td>\n'
            f'      <td class="tool-cell">{_tool_name(row)}'
            + (f'<span class="tool-description">{_escape(text)}</span>' if text else "")
            + "</td>\n"
            f'      <td class="hide-small"><a href="{_escape(row["category_url"])}">'
            f"{_escape(row['category_name'])}</a></td>\n"
            f'      <td class="num gain-up">{_escape(row["gain"])}</td>'
            f'<td class="num">{row["stars"]}</td>\n'
            f'      <td class="hide-small">{row["sparkline"]}</td></tr>\n  '
        )
    return mark_safe("".join(parts))  # every value above is escaped or already markup
