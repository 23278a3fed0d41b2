"""Template filters for showing metrics: compact numbers, signed gains, unmeasured values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django import template
from django.http import QueryDict
from django.utils.html import format_html

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
