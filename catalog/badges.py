"""README badges: "#3 in Vector search · ★ 12.3k" drawn as a small SVG from our own data."""

from __future__ import annotations

from django.utils.html import format_html

from catalog.models import Tool
from catalog.templatetags.strata import compact

_NARROW = set("ijl.,:;'|!()[] ")
_WIDE = set("mwMW@%")
_HEIGHT = 20
_PAD = 6


def text_width(text: str) -> int:
    """An estimate of ``text``'s width in pixels at 11px Verdana (no font files needed)."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 3.6
        elif char in _WIDE:
            width += 10.0
        elif char.isupper() or char == "★":
            width += 7.8
        else:
            width += 6.8
    return round(width)


def badge_texts(tool: Tool) -> tuple[str, str]:
    """The badge's two halves: where the tool ranks, and its stars."""
    category = tool.category.name
    left = f"#{tool.rank_in_category} in {category}" if tool.rank_in_category else category
    right = "not yet measured" if tool.stars is None else f"★ {compact(tool.stars)}"
    return left, right


def tool_badge(tool: Tool) -> str:
    left, right = badge_texts(tool)
    left_w, right_w = text_width(left) + 2 * _PAD, text_width(right) + 2 * _PAD
    total = left_w + right_w
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{h}" role="img" '
        'aria-label="{label}"><title>{label}</title>'
        '<rect width="{left_w}" height="{h}" fill="#374151"/>'
        '<rect x="{left_w}" width="{right_w}" height="{h}" fill="#1f5fbf"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        '<text x="{left_x}" y="14">{left}</text><text x="{right_x}" y="14">{right}</text>'
        "</g></svg>",
        total=total,
        h=_HEIGHT,
        label=f"Strata: {left} · {right}",
        left_w=left_w,
        right_w=right_w,
        left_x=_PAD,
        right_x=left_w + _PAD,
        left=left,
        right=right,
    )
