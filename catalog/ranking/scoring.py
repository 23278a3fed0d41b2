"""The composite score: a weighted mean of capped, log-normalised signals (pure arithmetic).

``docs/score.md`` explains it for users. Every constant here is part of ``SCORE_VERSION``:
change one and bump the version (``YYYY.MM-n``), and add a line to the history in the docs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

SCORE_VERSION = "2026.11-2"


def log_normalise(value: float, *, cap: float) -> float:
    """``log(1 + x) / log(1 + cap)`` clamped to 0–1: each tenfold rise counts the same."""
    if value <= 0:
        return 0.0
    return min(math.log1p(value) / math.log1p(cap), 1.0)


def signed_log(value: float) -> float:
    """``sign(x) · log10(1 + |x|)``: star deltas on a scale where losses stay negative."""
    return math.copysign(math.log10(1 + abs(value)), value)


# --- The composite score ---------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    name: str
    label: str
    weight: float
    cap: float | None  # None: the raw value is already 0–1


#: The score's inputs with their nominal weights (summing to 1) and caps. Why these:
#: stars measure reach, the spike-damped 30-day gain measures momentum in absolute terms and
#: the 30-day growth in relative terms (so a young, fast-rising tool is not buried under
#: old giants), activity says whether anyone still maintains it, and contributors how many
#: people stand behind it. See docs/score.md.
SIGNALS = (
    Signal("stars", "Stars", 0.30, 200_000),
    Signal("momentum", "Stars gained per 30 days (spike-damped)", 0.25, 10_000),
    Signal("growth", "Growth per 30 days (% of stars)", 0.10, 25),
    Signal("activity", "Activity (recent pushes and commits)", 0.20, None),
    Signal("contributors", "Contributors", 0.15, 1_000),
)
#: No score without these: without a measured star trend a "composite" would only restate
#: popularity. Other missing signals are left out and the known weights renormalised.
REQUIRED = ("stars", "momentum")


@dataclass(frozen=True)
class ScoreComponent:
    name: str
    label: str
    raw_value: float | None  # None: not measured
    normalised: float | None  # 0–1; None when not measured
    weight: float  # the weight applied: nominal weight renormalised over the known signals
    contribution: float  # points of the 0–100 score (0 when not measured)
    nominal_weight: float = 0.0
    cap: float | None = None
    note: str = ""  # how the raw value was measured, or why it is missing

    @property
    def missing(self) -> bool:
        return self.normalised is None


@dataclass(frozen=True)
class ScoreBreakdown:
    version: str
    score: float | None  # None when a required signal is missing (see REQUIRED)
    components: list[ScoreComponent]
    window_end: date | None = None  # the day the gains' windows end (latest observation)

    @property
    def missing(self) -> list[str]:
        return [component.name for component in self.components if component.missing]

    @property
    def reason(self) -> str:
        """Why there is no score ("" when there is one), in words for the tool page."""
        if self.score is not None:
            return ""
        if "stars" in self.missing:
            return "not measured yet"
        return "needs a star trend: two star counts at least a week apart, within a year"


def _normalise(signal: Signal, raw: float) -> float:
    if signal.cap is None:
        return min(max(raw, 0.0), 1.0)
    if signal.name == "momentum":  # signed log of the delta; a loss of stars counts as none
        return min(max(signed_log(raw), 0.0) / signed_log(signal.cap), 1.0)
    return log_normalise(raw, cap=signal.cap)


def _note(name: str, value: float | None, trend_span_days: int | None) -> str:
    """How a component was measured, or why it was not."""
    trend = name in ("momentum", "growth")
    if value is None:
        if trend and trend_span_days is None:
            return "not measured: too little star history"
        return "not measured: no stars at the start" if name == "growth" else "not measured"
    if not trend:
        return ""
    if trend_span_days == 30:
        return "over the last 30 days"
    return f"average over the last {trend_span_days} days, scaled to 30"


def score_breakdown(
    *,
    stars: float | None,
    momentum: float | None,
    growth: float | None,
    activity: float | None,
    contributors: float | None,
    window_end: date | None = None,
    trend_span_days: int | None = None,
) -> ScoreBreakdown:
    """The 0–100 score as a weighted mean of capped, log-normalised signals, and its parts.

    No score (None) when a ``REQUIRED`` signal is unknown. Other unknown signals are left out
    and the weights of the known ones renormalised to sum to 1; the breakdown names the
    missing ones. The contributions add up to the score exactly.
    """
    raw = {
        "stars": stars,
        "momentum": momentum,
        "growth": growth,
        "activity": activity,
        "contributors": contributors,
    }
    if momentum is None:
        trend_span_days = None
    scored = all(raw[name] is not None for name in REQUIRED)
    known_weight = sum(s.weight for s in SIGNALS if raw[s.name] is not None)
    components = []
    for signal in SIGNALS:
        value = raw[signal.name]
        normalised = None if value is None else _normalise(signal, value)
        weight = signal.weight / known_weight if scored and normalised is not None else 0.0
        contribution = 100.0 * weight * normalised if weight and normalised is not None else 0.0
        components.append(
            ScoreComponent(
                name=signal.name,
                label=signal.label,
                raw_value=value,
                normalised=normalised,
                weight=weight,
                contribution=contribution,
                nominal_weight=signal.weight,
                cap=signal.cap,
                note=_note(signal.name, value, trend_span_days),
            )
        )
    score = sum(c.contribution for c in components) if scored else None
    return ScoreBreakdown(SCORE_VERSION, score, components, window_end)
