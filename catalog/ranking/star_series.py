"""A tool's star history as plain values: gains over windows, spike damping and momentum.

A star *series* is a sequence of ``(date, stars)`` observations in any order; ``stars`` may be
None (not reported that day) and dates may be irregular. Between two observations the count is
assumed to change linearly, which is the honest reading of a sparse series. Every constant
here is part of ``catalog.ranking.scoring.SCORE_VERSION``: change one and bump the version.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import groupby
from operator import sub
from typing import NamedTuple

#: Windows (days) over which star gains are measured.
WINDOWS = (7, 30, 90)
#: How far the observation before a window may lie from it: the window start may be bracketed
#: by observations that reach back at most one more window length (so a 30-day gain may be
#: read off a series whose nearest point is up to 60 days before the window end). Further
#: than that the figure would be a guess, and the gain is NULL.
MAX_STRETCH = 2.0
#: Spike damping: a burst — a run of consecutive observation steps each gaining faster than
#: the cap below — lasting at most this many days in all is a spike (a longer run is a surge
#: and counts in full) ...
SPIKE_MAX_DAYS = 2
#: ... and counts at most this multiple of the window's typical (day-weighted median) daily
#: gain ...
SPIKE_FACTOR = 3.0
#: ... where "typical" is never taken below this many stars a day.
SPIKE_MIN_TYPICAL = 1.0
#: Momentum (the score's trend signal) is the damped 30-day gain; when the series does not
#: cover that window it is the average over the most recent span it does cover — at least
#: this many days ...
MOMENTUM_MIN_SPAN = 7
#: ... and at most this many — scaled to 30 days.
MOMENTUM_MAX_SPAN = 365

Observations = Iterable[tuple[date, int | None]]


@dataclass(frozen=True)
class StarHistory:
    """A series prepared once for many measurements: known observations, sorted by day."""

    days: tuple[int, ...]  # day ordinals
    stars: tuple[int, ...]

    @classmethod
    def of(cls, series: Series) -> StarHistory:
        if isinstance(series, StarHistory):
            return series
        # One value per date (the last one wins); NULLs are not observations.
        by_day = {day.toordinal(): stars for day, stars in series if stars is not None}
        if not by_day:
            return cls((), ())
        days, stars = zip(*sorted(by_day.items()), strict=True)
        return cls(days, stars)

    def value_at(self, day: int) -> float | None:
        """The star count on ``day`` by linear interpolation; None outside the observed range."""
        days, stars = self.days, self.stars
        if not days or day < days[0] or day > days[-1]:
            return None
        right = bisect_left(days, day)
        if days[right] == day:
            return float(stars[right])
        d0, d1, v0, v1 = days[right - 1], days[right], stars[right - 1], stars[right]
        return v0 + (v1 - v0) * (day - d0) / (d1 - d0)


#: What the measurements accept: (day, stars) observations, or a history prepared once.
Series = Observations | StarHistory


@dataclass(frozen=True)
class BurstDiscount:
    """A stretch of days whose stars count only in part toward gains and the star trend.

    Stars were added on ``days`` days from ``start``; of those above ``pace`` stars a day,
    the share ``left_out`` is left out (``catalog.integrity.burst_discount`` makes one from a
    flagged burst; the rule is in docs/score.md and docs/integrity.md). ``stars`` is how many
    that is in all, known from the evidence even when a series no longer reaches back to it.
    """

    start: date
    days: int
    pace: float  # stars a day that still count inside the stretch
    left_out: float = 1.0  # share of the stars above the pace that is left out
    stars: float = 0.0  # the stars left out in all (of the total star count)

    def applied(self, history: StarHistory) -> tuple[StarHistory, float]:
        """``history`` with the left-out stars taken out of every count from the stretch on,
        and how many stars that is (0 when the history does not cover the stretch).

        Counts before the stretch are unchanged; inside it they rise at ``pace`` (plus the
        share counted of anything faster); after it every count is lower by the stars left out.
        The stretch is cut to the history's days: a gain before the first day is not seen.
        Between two observations around the stretch the counts stay linear, so a sparse series
        spreads what is left out over the gap, as it spreads the gain.
        """
        days = history.days
        if not days or self.left_out <= 0:
            return history, 0.0
        before = max(self.start.toordinal() - 1, days[0])  # the count before the first day
        last = min(self.start.toordinal() - 1 + self.days, days[-1])
        if last <= before:
            return history, 0.0
        base = history.value_at(before)
        assert base is not None  # ``before`` and ``last`` lie within the history's days

        def excess(day: int) -> float:
            if day <= before:
                return 0.0
            day = min(day, last)
            gained = (history.value_at(day) or 0.0) - base
            return self.left_out * max(gained - self.pace * (day - before), 0.0)

        # The same days (a measurement picks the same observations), lower counts.
        adjusted = tuple(
            round(stars - excess(day)) for day, stars in zip(days, history.stars, strict=True)
        )
        return StarHistory(days, adjusted), excess(last)


class Piece(NamedTuple):
    """The part of the window between two consecutive observations (or a window edge).

    A named tuple, not a dataclass: a ranking pass builds about forty per tool, and a tuple is
    built in a fraction of the time a frozen dataclass takes."""

    days: int  # length of this piece inside the window
    gain: float  # stars gained over it (interpolated at a window edge)
    span: int  # days between the two real observations around it


#: A Piece from a ``(days, gain, span)`` tuple, built in C (``Piece._make`` and ``Piece(...)``
#: are Python functions around the same ``tuple.__new__``): ~40 pieces per tool and pass.
_piece = partial(tuple.__new__, Piece)


@dataclass(frozen=True)
class WindowMeasure:
    start_stars: float  # stars on the window's first day (interpolated when not observed)
    pieces: tuple[Piece, ...]
    #: Up to ``SPIKE_MAX_DAYS`` whole observation steps just before and just after the window,
    #: nearest first: they tell whether a burst at a window edge began before the window or
    #: goes on after it (a surge is not cut into a spike by where a window happens to start).
    before: tuple[Piece, ...] = ()
    after: tuple[Piece, ...] = ()

    @property
    def gain(self) -> float:
        return sum([piece.gain for piece in self.pieces])

    @property
    def damped_gain(self) -> float:
        """The gain with spikes (bursts of at most ``SPIKE_MAX_DAYS`` days) capped; see
        ``damped_gain``."""
        measured = [piece for piece in self.pieces if piece.days > 0]
        if not measured:
            return 0.0
        cap_rate = SPIKE_FACTOR * max(_typical_daily_gain(measured), SPIKE_MIN_TYPICAL)
        if not any([piece.gain > cap_rate * piece.days for piece in measured]):
            # No step inside the window is fast, so none is part of a burst and nothing is
            # capped: the sum below would add each piece's own gain, in this same order.
            # Most windows are like this; the burst lengths are then not worth working out.
            return sum([piece.gain for piece in measured])
        steps = [*reversed(self.before), *measured, *self.after]
        first = len(self.before)
        bursts = _burst_days(steps, cap_rate=cap_rate)[first : first + len(measured)]
        return sum(
            min(piece.gain, cap_rate * piece.days) if 0 < burst <= SPIKE_MAX_DAYS else piece.gain
            for piece, burst in zip(measured, bursts, strict=True)
        )


def _burst_days(steps: list[Piece], *, cap_rate: float) -> list[int]:
    """For each step, how many days the burst it belongs to lasts: the total span of the run
    of consecutive steps gaining faster than ``cap_rate`` a day (0 for a step that does not).
    """
    lengths: list[int] = []
    for fast, group in groupby(steps, key=lambda step: step.gain > cap_rate * step.days):
        run = list(group)
        lengths += [sum(step.span for step in run) if fast else 0] * len(run)
    return lengths


def _whole_steps(history: StarHistory, pairs: Iterable[tuple[int, int]]) -> tuple[Piece, ...]:
    """The observation steps between the ``(i, j)`` index pairs of ``history``, whole."""
    days, stars = history.days, history.stars
    return tuple(
        [_piece((days[j] - days[i], stars[j] - stars[i], days[j] - days[i])) for i, j in pairs]
    )


def measure_window(
    series: Series, *, window_days: int, end: date | None = None
) -> WindowMeasure | None:
    """The star series over the ``window_days`` ending at ``end`` (default: last observation).

    The count on the window's first day is interpolated between the observations around it;
    the nearest observation at or before that day must lie within ``MAX_STRETCH`` window
    lengths of ``end``. None (never a fake 0) when the data does not reach back that far, or
    when ``end`` is after the last observation.
    """
    history = StarHistory.of(series)
    days = history.days
    if not days:
        return None
    end_day = end.toordinal() if end else days[-1]
    start_day = end_day - window_days
    base = bisect_right(days, start_day) - 1  # the nearest observation at or before the start
    if base < 0 or days[base] < end_day - window_days * MAX_STRETCH:
        return None
    start_stars = history.value_at(start_day)
    end_stars = history.value_at(end_day)
    if start_stars is None or end_stars is None:
        return None
    first_inside, after_inside = base + 1, bisect_left(days, end_day)
    # ``base`` opens the window's first step and ``after_inside`` closes its last one.
    lookaround = SPIKE_MAX_DAYS
    before = ((i - 1, i) for i in range(base, max(base - lookaround, 0), -1))
    after = ((i, i + 1) for i in range(after_inside, min(after_inside + lookaround, len(days) - 1)))
    inside_days = days[first_inside:after_inside]
    # A piece runs between consecutive edges: the window's start, the observations inside it,
    # the window's end. Its real observations are the last at or before its first edge and
    # the first at or after its last edge: ``base`` for the window's start, ``after_inside``
    # for its end, and an observation inside the window is its own. (Read off these slices
    # rather than found by two binary searches per piece: the same days, ~3x faster.)
    edge_days = (start_day, *inside_days, end_day)
    edge_stars = (start_stars, *history.stars[first_inside:after_inside], end_stars)
    lefts = (days[base], *inside_days)
    rights = (*inside_days, days[after_inside])
    # (``map`` stops at its shortest argument: ``edge_days[1:]`` pairs with ``edge_days``.)
    lengths = map(sub, edge_days[1:], edge_days)
    gains = map(sub, edge_stars[1:], edge_stars)
    pieces = tuple(map(_piece, zip(lengths, gains, map(sub, rights, lefts), strict=True)))
    return WindowMeasure(
        start_stars=start_stars,
        pieces=pieces,
        before=_whole_steps(history, before),
        after=_whole_steps(history, after),
    )


def star_gain(series: Series, *, window_days: int, end: date | None = None) -> float | None:
    """Stars gained over the ``window_days`` ending at ``end`` (default: the last observation).

    With only one observation before the window and one at its end this is the gain over the
    whole span scaled by ``window / span``; with observations inside the window it is exact
    except for the interpolated first stretch. None when there is no data old enough.
    """
    window = measure_window(series, window_days=window_days, end=end)
    return None if window is None else window.gain


def _typical_daily_gain(pieces: list[Piece]) -> float:
    """The day-weighted median daily gain: half of the window's days gained this much or less."""
    lengths = [piece.days for piece in pieces]
    if lengths.count(1) == len(lengths):
        # Daily observations, every piece one day long: the weighted median is the plain one,
        # the ceil(n / 2)-th smallest rate (what the loop below returns, without sorting pairs).
        daily = sorted([piece.gain / 1 for piece in pieces])
        return daily[(len(daily) + 1) // 2 - 1]
    rates = sorted([(piece.gain / piece.days, piece.days) for piece in pieces])
    half = sum([days for _, days in rates]) / 2
    covered = 0
    for rate, days in rates:
        covered += days
        if covered >= half:
            return rate
    return rates[-1][0]


def damped_gain(series: Series, *, window_days: int, end: date | None = None) -> float | None:
    """``star_gain`` with one- and two-day spikes damped: the trending measure, also used by
    the score.

    A step between two observations is *fast* when it gains more than ``SPIKE_FACTOR`` times
    the window's typical daily gain (the day-weighted median over the window, never taken below
    ``SPIKE_MIN_TYPICAL`` a day). A *burst* is a run of consecutive fast steps; its length is
    the days from the observation before its first step to the one after its last, reading
    past the window's edges. A burst of at most ``SPIKE_MAX_DAYS`` days is a spike — a
    launch-day link from a busy site — and each of its days counts at most ``SPIKE_FACTOR``
    typical days, so it moves a tool a little. A longer burst is a surge (a launch week, a release
    that keeps drawing people) and counts in full, however it is sampled: with daily
    snapshots a week of +1,000 a day is a 7-day burst, exactly as one weekly step is. A
    burst still counts as a spike until it outlasts ``SPIKE_MAX_DAYS``. Losses are never
    damped.
    """
    window = measure_window(series, window_days=window_days, end=end)
    return None if window is None else window.damped_gain


@dataclass(frozen=True)
class Momentum:
    """The damped star gain per 30 days, and what it was measured over."""

    per_30_days: float
    start_stars: float  # stars at the start of the span measured
    span_days: int  # 30 for the regular window; otherwise the span averaged over

    @property
    def growth(self) -> float | None:
        """``per_30_days`` in percent of the stars at the start of the span."""
        return relative_growth(self.per_30_days, self.start_stars)


def momentum(series: Series, *, end: date | None = None) -> Momentum | None:
    """The score's trend signal: the damped gain over the 30 days ending at ``end``.

    When the series does not cover that window (sparse or short history), the average over the
    most recent span it does cover, scaled to 30 days: from the latest observation at least 30
    days before ``end`` when that is no older than ``MOMENTUM_MAX_SPAN`` days, or else from the
    earliest observation at least ``MOMENTUM_MIN_SPAN`` days before ``end``. None when there is
    no such observation: one snapshot says nothing about a trend.
    """
    history = StarHistory.of(series)
    window = measure_window(history, window_days=30, end=end)
    if window is not None:
        return Momentum(window.damped_gain, window.start_stars, 30)
    days = history.days
    if not days:
        return None
    end_day = end.toordinal() if end else days[-1]
    usable = [d for d in days if end_day - MOMENTUM_MAX_SPAN <= d <= end_day - MOMENTUM_MIN_SPAN]
    if not usable:
        return None
    older = [d for d in usable if d <= end_day - 30]
    span = end_day - (older[-1] if older else usable[0])
    window = measure_window(history, window_days=span, end=end)
    if window is None:  # ``end`` lies after the last observation
        return None
    return Momentum(window.damped_gain * 30 / span, window.start_stars, span)


def relative_growth(gain: float | None, start_stars: float | None) -> float | None:
    """Gain in percent of the stars at the window start; None when either is unknown or 0."""
    if gain is None or start_stars is None or start_stars <= 0:
        return None
    return 100.0 * gain / start_stars
