"""The composite score: a weighted mean of capped, log-normalised signals (pure arithmetic).

``docs/score.md`` explains it for users. Every constant here is part of ``SCORE_VERSION``:
change one and bump the version (``YYYY.MM-n``), and add a line to the history in the docs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

SCORE_VERSION = "2026.12-2"


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
#: A full score needs these. Other missing signals are left out and the known weights
#: renormalised. Stars without a current star trend give a *provisional* score instead.
REQUIRED = ("stars", "momentum")
#: The signals a provisional score is built from (the trend counts as none until measured).
PROVISIONAL_SIGNALS = ("stars", "activity", "contributors")


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
    provisional: bool = False  # scored from stars, activity and contributors alone
    not_current: str = ""  # why the star trend is not used ("" when it is current or absent)
    #: Component name → what a burst needing review left out of it, in words (formula
    #: 2026.12-2; docs/score.md): the stars and the star trend are measured without them.
    discounts: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [component.name for component in self.components if component.missing]

    @property
    def reason(self) -> str:
        """Why the score is missing or provisional ("" for a full score), in words."""
        if self.score is None:
            return "not measured yet"
        if not self.provisional:
            return ""
        if self.not_current:
            return f"provisional: {self.not_current}"
        return (
            "provisional: no star trend yet (it needs two star counts at least a week apart, "
            "within a year); scored from stars, activity and contributors alone"
        )


def _normalise(signal: Signal, raw: float) -> float:
    if signal.cap is None:
        return min(max(raw, 0.0), 1.0)
    if signal.name == "momentum":  # signed log of the delta; a loss of stars counts as none
        return min(max(signed_log(raw), 0.0) / signed_log(signal.cap), 1.0)
    return log_normalise(raw, cap=signal.cap)


def _note(name: str, value: float | None, trend_span_days: int | None, not_current: str) -> str:
    """How a component was measured, or why it was not."""
    trend = name in ("momentum", "growth")
    if value is None:
        if trend and not_current:
            return f"not current: {not_current}"
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
    not_current: str = "",
    discounts: dict[str, str] | None = None,
) -> ScoreBreakdown:
    """The 0–100 score as a weighted mean of capped, log-normalised signals, and its parts.

    With every ``REQUIRED`` signal known, unknown others are left out and the weights of the
    known ones renormalised to sum to 1. With stars but no star trend (too little history, or
    one that is ``not_current``) the score is *provisional*: the known signals among
    ``PROVISIONAL_SIGNALS`` at their nominal weights, the trend counting as none — a lower
    bound of the full score. Without stars there is no score (None). The breakdown names the
    missing signals; the contributions add up to the score exactly. ``discounts`` names, per
    component, the stars of a burst needing review its raw value leaves out (``derive``
    measured it without them); the words are added to that component's note.
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
    provisional = not scored and stars is not None
    if provisional:
        momentum = growth = raw["momentum"] = raw["growth"] = None
    # A note on what a discount left out, only where the raw value is used.
    discounts = {k: v for k, v in (discounts or {}).items() if raw.get(k) is not None and v}
    known_weight = sum(s.weight for s in SIGNALS if raw[s.name] is not None)
    components = []
    for signal in SIGNALS:
        value = raw[signal.name]
        normalised = None if value is None else _normalise(signal, value)
        if provisional:
            weight = signal.weight if normalised is not None else 0.0
        else:
            weight = signal.weight / known_weight if scored and normalised is not None else 0.0
        contribution = 100.0 * weight * normalised if weight and normalised is not None else 0.0
        note = _note(signal.name, value, trend_span_days, not_current)
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
                note="; ".join(filter(None, [note, discounts.get(signal.name, "")])),
            )
        )
    score = sum(c.contribution for c in components) if scored or provisional else None
    return ScoreBreakdown(
        SCORE_VERSION, score, components, window_end, provisional, not_current, discounts
    )
