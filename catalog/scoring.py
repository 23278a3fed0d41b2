"""The composite score: a weighted mean of capped, log-normalised signals (pure arithmetic).

``docs/score.md`` explains it for users. Every constant here is part of ``SCORE_VERSION``:
change one and bump the version (``YYYY.MM-n``), and add a line to the history in the docs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

SCORE_VERSION = "2026.11-1"


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
    Signal("stars", "Stars", 0.30, 100_000),
    Signal("momentum", "Stars gained in 30 days (spike-damped)", 0.20, 3_000),
    Signal("growth", "30-day growth (% of stars)", 0.10, 25),
    Signal("activity", "Activity (recent pushes and commits)", 0.25, None),
    Signal("contributors", "Contributors", 0.15, 500),
)
#: No score unless the known signals carry at least this share of the nominal weight.
MIN_KNOWN_WEIGHT = 0.5


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

    @property
    def missing(self) -> bool:
        return self.normalised is None


@dataclass(frozen=True)
class ScoreBreakdown:
    version: str
    score: float | None  # None when too little is known (see MIN_KNOWN_WEIGHT)
    components: list[ScoreComponent]
    window_end: date | None = None  # the day the gains' windows end (latest observation)

    @property
    def missing(self) -> list[str]:
        return [component.name for component in self.components if component.missing]


def _normalise(signal: Signal, raw: float) -> float:
    if signal.cap is None:
        return min(max(raw, 0.0), 1.0)
    if signal.name == "momentum":  # signed log of the delta; a loss of stars counts as none
        return min(max(signed_log(raw), 0.0) / signed_log(signal.cap), 1.0)
    return log_normalise(raw, cap=signal.cap)


def score_breakdown(
    *,
    stars: float | None,
    momentum: float | None,
    growth: float | None,
    activity: float | None,
    contributors: float | None,
    window_end: date | None = None,
) -> ScoreBreakdown:
    """The 0–100 score as a weighted mean of capped, log-normalised signals, and its parts.

    Unknown signals are left out and the weights of the known ones renormalised to sum to 1;
    the breakdown names the missing ones. The contributions add up to the score exactly.
    """
    raw = {
        "stars": stars,
        "momentum": momentum,
        "growth": growth,
        "activity": activity,
        "contributors": contributors,
    }
    known_weight = sum(s.weight for s in SIGNALS if raw[s.name] is not None)
    scored = stars is not None and known_weight >= MIN_KNOWN_WEIGHT
    components = []
    for signal in SIGNALS:
        value = raw[signal.name]
        normalised = None if value is None else _normalise(signal, value)
        weight = signal.weight / known_weight if scored and normalised is not None else 0.0
        contribution = 100.0 * weight * normalised if weight else 0.0
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
            )
        )
    score = sum(c.contribution for c in components) if scored else None
    return ScoreBreakdown(SCORE_VERSION, score, components, window_end)
