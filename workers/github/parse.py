"""Turn what GitHub sends into typed values, trusting none of it.

Every value is checked for its type and range; strings are length-capped; an identity that does
not look like ``owner/name`` is refused rather than stored. A check that fails raises
:class:`InvalidValue` naming the field, and the caller records an ERROR result for that repository.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from catalog.names import is_full_name

MAX_COUNT = 2**31 - 1  # the catalog's IntegerField columns
DESCRIPTION_CHARS = 2000
HOMEPAGE_CHARS = 500
SHORT_CHARS = 64  # licence SPDX id, language name
TOPIC_CHARS = 50  # GitHub's own topic length limit
MAX_TOPICS = 20
NODE_ID_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvalidValue(ValueError):
    """GitHub's answer has a value of the wrong type or out of range."""


def dig(obj: Any, *path: str) -> Any:
    """``obj[path[0]][path[1]]…``, or None as soon as a level is missing or null."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def optional_count(value: Any, field: str) -> int | None:
    """``count``, or None when GitHub left the value out."""
    return None if value is None else count(value, field)


def count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise InvalidValue(f"{field} is not a count: {str(value)[:40]!r}")
    return value


def flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{field} is not true/false: {str(value)[:40]!r}")
    return value


def text(value: Any, field: str, limit: int) -> str:
    """A string, control characters removed, cut to ``limit``; null is the empty string."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"{field} is not text")
    return _CONTROL.sub("", value)[:limit].strip()


def moment(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidValue(f"{field} is not a timestamp")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"{field} is not a timestamp: {value!r}") from None
    if parsed.tzinfo is None:
        raise InvalidValue(f"{field} has no time zone: {value!r}")
    return parsed


def full_name(value: Any, field: str = "nameWithOwner") -> str:
    if not is_full_name(value):
        raise InvalidValue(f"{field} is not owner/name: {str(value)[:80]!r}")
    return value


def homepage(value: Any, field: str = "homepageUrl") -> str:
    """An http(s) URL that fits the column, or "" (a URL is dropped, never cut)."""
    url = text(value, field, 10_000)
    if len(url) > HOMEPAGE_CHARS or not re.match(r"https?://[^\s]+$", url):
        return ""
    return url


def topics(nodes: Any, field: str = "repositoryTopics") -> tuple[str, ...]:
    """Topic names from ``repositoryTopics.nodes`` (``[{"topic": {"name": …}}]``)."""
    if nodes is None:
        return ()
    if not isinstance(nodes, list):
        raise InvalidValue(f"{field} is not a list")
    names: list[str] = []
    for node in nodes[:MAX_TOPICS]:
        name = text(dig(node, "topic", "name"), field, TOPIC_CHARS).lower()
        if name and name not in names:
            names.append(name)
    return tuple(names)
