"""Ranking arithmetic on plain values: what the rankings derive for one tool (gains, growth,
activity, score) and the ranks within a group.

Nothing here touches the database; ``writer`` reads the rows, calls these functions and
writes the results. The star-series arithmetic lives in ``star_series`` and the score in
``scoring``; both are re-exported here, the one import for callers.
``docs/score.md`` explains it all for users; every constant is part of ``SCORE_VERSION``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from catalog.ranking.scoring import (
    SCORE_VERSION,
    ScoreBreakdown,
    ScoreComponent,
    log_normalise,
    score_breakdown,
)
from catalog.ranking.star_series import (
    MAX_STRETCH,
    MOMENTUM_MAX_SPAN,
    WINDOWS,
    BurstDiscount,
    Momentum,
    StarHistory,
    WindowMeasure,
    damped_gain,
    measure_window,
    momentum,
    relative_growth,
    star_gain,
)

__all__ = [
    "CURRENT_DAYS",
    "MAX_STRETCH",
    "MOMENTUM_MAX_SPAN",
    "SCORE_VERSION",
    "WINDOWS",
    "BurstDiscount",
    "Derived",
    "Momentum",
    "ScoreBreakdown",
    "ScoreComponent",
    "StarHistory",
    "ToolFacts",
    "WindowMeasure",
    "activity",
    "current_gains",
    "damped_gain",
    "derive",
    "measure_window",
    "momentum",
    "rank_positions",
    "relative_growth",
    "star_gain",
]

#: Activity: a push this many days before the measurement halves the recency signal.
PUSH_HALF_LIFE_DAYS = 90
#: Activity: commits in the last 90 days at which the commit signal saturates.
COMMITS_90D_CAP = 300
#: Gains are current when their windows end at most this many days before the catalog's
#: "as of" (its newest observation); older ones are "not current" and not used.
CURRENT_DAYS = 7


def current_gains(window_end: date | None, catalog_as_of: date | None) -> bool:
    """Whether windows ending on ``window_end`` are current against ``catalog_as_of``.

    Without a catalog date (nothing measured) any window end is current.
    """
    if window_end is None:
        return False
    return catalog_as_of is None or (catalog_as_of - window_end).days <= CURRENT_DAYS


def not_current_reason(window_end: date, catalog_as_of: date) -> str:
    """Why gains ending on ``window_end`` are not used, in words."""
    return (
        f"its latest star count is from {window_end:%d %b %Y}, more than {CURRENT_DAYS} days "
        f"before the catalog's newest figures ({catalog_as_of:%d %b %Y})"
    )


def _as_date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def activity(
    *,
    pushed_at: date | datetime | None,
    commits_90d: int | None,
    as_of: date | datetime | None,
    archived: bool = False,
) -> float | None:
    """0–1: how alive the repository was when it was measured.

    The mean of the known signals among: push recency (1 for a push on the day of measurement,
    halving every ``PUSH_HALF_LIFE_DAYS``) and commits in the last 90 days (log-normalised,
    saturating at ``COMMITS_90D_CAP``). An archived repository scores 0. None when nothing is
    known.
    """
    if archived:
        return 0.0
    signals = []
    pushed, measured = _as_date(pushed_at), _as_date(as_of)
    if pushed is not None and measured is not None:
        idle_days = max((measured - pushed).days, 0)
        signals.append(0.5 ** (idle_days / PUSH_HALF_LIFE_DAYS))
    if commits_90d is not None:
        signals.append(log_normalise(commits_90d, cap=COMMITS_90D_CAP))
    return sum(signals) / len(signals) if signals else None


@dataclass(frozen=True)
class ToolFacts:
    """What the rankings need to know about one tool, as plain values."""

    series: tuple[tuple[date, int | None], ...] = ()  # the tool's (date, stars) snapshots
    stars: int | None = None  # latest metrics, as of ``metrics_as_of``
    contributors: int | None = None
    commits_90d: int | None = None
    pushed_at: datetime | date | None = None
    archived: bool = False
    metrics_as_of: datetime | date | None = None
    #: A flagged burst whose stars gains and the star trend leave out (formula 2026.12-2);
    #: ``catalog.integrity.burst_discount`` makes it from the tool's integrity status.
    discount: BurstDiscount | None = None


@dataclass(frozen=True)
class Derived:
    """The derived ranking fields of one tool, and the score's breakdown."""

    window_end: date | None  # gains are measured over windows ending on this day
    gains: dict[int, float | None]  # window days → stars gained (raw)
    damped_gains: dict[int, float | None]  # window days → stars gained, spikes damped
    growth_30d: float | None  # damped 30-day gain in % of the stars at the window start
    momentum: Momentum | None  # the score's trend signal
    activity: float | None
    breakdown: ScoreBreakdown
    current: bool = True  # the windows end within CURRENT_DAYS of the catalog's as-of

    @property
    def score(self) -> float | None:
        return self.breakdown.score


def derive(facts: ToolFacts, *, catalog_as_of: date | None = None) -> Derived:
    """Gains, growth, activity and score for one tool.

    The windows end at the tool's latest observation (its newest snapshot, or the latest
    metrics when those are newer), not at today. They are used only when that day lies
    within ``CURRENT_DAYS`` of ``catalog_as_of`` (the newest observation in the catalog):
    otherwise the gains, growth and star trend are "not current" (None), the score is
    provisional, and the breakdown says why. Without ``catalog_as_of`` every window is current.

    With a ``facts.discount`` (a burst that needs review) the gains and the star trend are
    measured on the series without the burst's left-out stars; growth still divides by the
    stars counted at the window's start, and the stars signal is the observed total.
    """
    series = list(facts.series)
    as_of = _as_date(facts.metrics_as_of)
    # Newest first: the metrics' day is usually the series' last, so this stops at once.
    observed_then = any(day == as_of and stars is not None for day, stars in reversed(series))
    if facts.stars is not None and as_of is not None and not observed_then:
        series.append((as_of, facts.stars))
    history = StarHistory.of(series)
    counted, _ = facts.discount.applied(history) if facts.discount else (history, 0.0)
    window_end = date.fromordinal(history.days[-1]) if history.days else None
    current = current_gains(window_end, catalog_as_of)
    stale = ""
    if window_end is not None and catalog_as_of is not None and not current:
        stale = not_current_reason(window_end, catalog_as_of)
    windows = {
        days: measure_window(counted, window_days=days, end=window_end) if current else None
        for days in WINDOWS
    }
    gains = {days: window.gain if window else None for days, window in windows.items()}
    damped = {days: window.damped_gain if window else None for days, window in windows.items()}
    month = windows[30]
    growth = relative_growth(damped[30], _stars_before(history, window_end, 30) if month else None)
    measured_on = max(filter(None, [as_of, window_end]), default=None)
    alive = activity(
        pushed_at=facts.pushed_at,
        commits_90d=facts.commits_90d,
        as_of=measured_on,
        archived=facts.archived,
    )
    # The tool's own stars unless a snapshot is newer than them.
    latest_stars = facts.stars
    if history.days and (latest_stars is None or as_of != window_end):
        latest_stars = history.stars[-1]
    trend = None
    if current:
        month_gain = damped[30]
        if month is not None and month_gain is not None:
            # The 30-day window just measured is momentum's own first choice: measured once.
            trend = Momentum(month_gain, month.start_stars, 30)
        else:
            trend = momentum(counted, end=window_end)
    discounts = {}
    if facts.discount is not None:
        burst = facts.discount
        if latest_stars is not None and burst.stars >= 0.5:
            counted_stars = max(latest_stars - round(burst.stars), 0)
            discounts["stars"] = _left_out_words(latest_stars - counted_stars, burst)
            latest_stars = counted_stars
        if trend is not None:
            start_stars = _stars_before(history, window_end, trend.span_days)
            if start_stars is not None:
                trend = replace(trend, start_stars=start_stars)
            full = momentum(history, end=window_end)
            stars = (full.per_30_days - trend.per_30_days) * trend.span_days / 30 if full else 0
            if stars >= 0.5:
                discounts["momentum"] = discounts["growth"] = _left_out_words(stars, burst)
    breakdown = score_breakdown(
        stars=latest_stars,
        momentum=trend.per_30_days if trend else None,
        growth=trend.growth if trend else None,
        activity=alive,
        contributors=facts.contributors,
        window_end=window_end,
        trend_span_days=trend.span_days if trend else None,
        not_current=stale,
        discounts=discounts,
    )
    return Derived(window_end, gains, damped, growth, trend, alive, breakdown, current)


def _stars_before(history: StarHistory, end: date | None, days: int) -> float | None:
    """The stars counted ``days`` before ``end`` (interpolated), as observed: no discount."""
    return None if end is None else history.value_at(end.toordinal() - days)


def _left_out_words(stars: float, burst: BurstDiscount) -> str:
    return (
        f"{stars:,.0f} stars of a burst from {burst.start:%d %b %Y} that needs review "
        "left out (docs/integrity.md)"
    )


def rank_positions(
    entries: Iterable[tuple[int, int, float | None, int | None]],
) -> dict[int, int]:
    """Positions 1, 2, … within each group, by score (then stars, then key) descending.

    ``entries`` are ``(key, group, score, stars)`` of the tools that may be ranked; a tool
    without a score gets no position (it is "not ranked", not last).
    """
    groups: dict[int, list[tuple[float, int, int]]] = {}
    for key, group, score, stars in entries:
        if score is not None:
            groups.setdefault(group, []).append(
                (-score, -(stars if stars is not None else -1), key)
            )
    positions: dict[int, int] = {}
    for members in groups.values():
        for position, (_, _, key) in enumerate(sorted(members), start=1):
            positions[key] = position
    return positions
