"""Lifecycle labels from a tool's daily star series and its push dates: pure and documented.

The first rule that matches wins, in this order (docs/lifecycle.md says why):

* ``archived``  — GitHub says the repository is archived.
* ``dormant``   — no push for DORMANT_DAYS (180) days.
* ``new``       — created less than NEW_DAYS (90) days ago.
* ``declining`` — the last WINDOW_DAYS (90) lost stars, or gained at most DECLINE_RATIO (40 %)
  of what the WINDOW_DAYS before them gained (which gained at least MIN_GAIN stars).
* ``rising``    — the last WINDOW_DAYS gained at least RISE_RATIO (1.25×) the window before and
  at least MIN_GAIN stars.
* ``plateaued`` — the last WINDOW_DAYS gained less than PLATEAU_SHARE (0.5 %) of the stars.
* ``steady``    — anything else with a series covering both windows.

"" (no label) when the series does not reach back 2 × WINDOW_DAYS and no rule above applies.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta

LIFECYCLES = ("new", "rising", "steady", "plateaued", "declining", "dormant", "archived")
#: One line per label, for the tool page's badge (its title) and the docs.
LIFECYCLE_RULES = {
    "archived": "The repository is archived on GitHub.",
    "dormant": "No push to the repository for 180 days or more.",
    "new": "Created less than 90 days ago.",
    "declining": "The last 90 days lost stars, or gained at most 40 % of the 90 days before.",
    "rising": "The last 90 days gained at least 1.25 times the 90 days before (30 stars or more).",
    "plateaued": "The last 90 days gained less than 0.5 % of the stars.",
    "steady": "Growing at about the pace of the 90 days before.",
}
NEW_DAYS = 90
DORMANT_DAYS = 180
WINDOW_DAYS = 90
MIN_GAIN = 30
RISE_RATIO = 1.25
DECLINE_RATIO = 0.4
PLATEAU_SHARE = 0.005


def _at(series: Sequence[tuple[date, int]], day: date) -> int | None:
    """The latest count on or before ``day``; None before the series starts."""
    index = bisect_right([d for d, _ in series], day)
    return series[index - 1][1] if index else None


def lifecycle(
    series: Sequence[tuple[date, int]],
    *,
    today: date,
    created: date | None,
    pushed: date | None,
    archived: bool,
) -> str:
    """The label for one tool; ``series`` is (day, stars), oldest first."""
    if archived:
        return "archived"
    if pushed is not None and (today - pushed).days >= DORMANT_DAYS:
        return "dormant"
    if created is not None and (today - created).days < NEW_DAYS:
        return "new"
    if not series:
        return ""
    end = series[-1][0]
    now, middle, start = (
        series[-1][1],
        _at(series, end - timedelta(days=WINDOW_DAYS)),
        _at(series, end - timedelta(days=2 * WINDOW_DAYS)),
    )
    if middle is None or start is None:
        return ""
    recent, before = now - middle, middle - start
    if recent < 0 or (before >= MIN_GAIN and recent <= DECLINE_RATIO * before):
        return "declining"
    if recent >= MIN_GAIN and recent >= RISE_RATIO * before:
        return "rising"
    if recent < PLATEAU_SHARE * max(now, 1):
        return "plateaued"
    return "steady"
