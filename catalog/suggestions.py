"""The public side of suggestions: a visitor proposes a GitHub repository for the catalog.

``suggestion_submit`` checks the name and what we already know about it, then records a
pending ``Suggestion`` for curators (``catalog.services`` approves or rejects it). A per-client
limit keeps one address from flooding the moderation queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.functions import Lower

from catalog.models import Category, Suggestion, Tool
from catalog.names import full_name_from_input
from catalog.outages import CACHE_ERRORS, note_cache_outage

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


class SuggestionError(ValueError):
    """Why a suggestion was not recorded; ``code`` tells the page what to show."""

    def __init__(self, code: str, message: str, *, tool: Tool | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.tool = tool


def parse_repository(text: str) -> str:
    """``owner/name`` from what a visitor typed: owner/name or a github.com URL."""
    full_name = full_name_from_input(text)
    if full_name is None:
        raise SuggestionError(
            "invalid",
            "Give the repository as owner/name (for example qdrant/qdrant) or as its GitHub URL.",
        )
    return full_name


def suggestion_submit(*, repository: str, category: Category, reason: str = "") -> Suggestion:
    """Record a pending suggestion, or raise ``SuggestionError`` saying why not.

    Refused: a malformed name (``invalid``); a tool already in the catalog under this name or a
    former one (``listed``, with the tool, or ``known`` when curators hid it); a suggestion of
    the same repository still waiting for review (``pending``).
    """
    full_name = parse_repository(repository)
    lower = full_name.lower()
    found = Tool.objects.by_name(full_name)
    tool = found[0] if found else None
    if tool is not None and tool.hidden:
        raise SuggestionError("known", f"{full_name} is already known to our curators.")
    if tool is not None:
        raise SuggestionError("listed", f"{tool.full_name} is already in the catalog.", tool=tool)
    pending = Suggestion.objects.alias(name_lower=Lower("full_name")).filter(
        name_lower=lower, status=Suggestion.Status.PENDING
    )
    if pending.exists():
        raise SuggestionError(
            "pending", f"{full_name} has already been suggested and is waiting for review."
        )
    return Suggestion.objects.create(
        full_name=full_name, category=category, reason=(reason or "").strip()
    )


@dataclass(frozen=True)
class RateLimit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"5/hour"`` → 5 per 3600 seconds (periods: second, minute, hour, day)."""
        count, _, period = text.partition("/")
        try:
            return cls(int(count), _PERIODS[period.strip().lower()])
        except (ValueError, KeyError):
            raise ValueError(
                f"SUGGEST_RATE_LIMIT={text!r}: use <number>/<second|minute|hour|day>"
            ) from None


def suggestion_rate_limited(*, client: str) -> bool:
    """Count one attempt from ``client``; True when it is over ``SUGGEST_RATE_LIMIT``."""
    limit = RateLimit.parse(getattr(settings, "SUGGEST_RATE_LIMIT", "5/hour"))
    key = f"suggest-rate:{client}"
    try:
        if cache.add(key, 1, timeout=limit.seconds):
            return limit.count < 1
        try:
            attempts = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=limit.seconds)
            attempts = 1
    except CACHE_ERRORS as error:
        # The cache (Redis) is down: let the suggestion through rather than fail the form;
        # curators still moderate every suggestion.
        note_cache_outage("the suggest rate limit", error)
        return False
    return attempts > limit.count
