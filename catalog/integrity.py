"""Star-integrity evidence: pure functions on plain values, and every threshold in one place.

A signal is evidence, never a verdict: a tool with a signal above its threshold is shown as
"needs review" with the numbers, until a curator looks and clears it with a note. The rules,
and why each threshold is where it is, are in docs/integrity.md; change a threshold here and
there together (and bump ``INTEGRITY_VERSION``).

Inputs: a tool's daily star counts (``(date, stars)``, observed and reconstructed), its observed
snapshots (``Observation``: the counts a refresh saw, which still include stars GitHub later
deleted), and for the comparisons the category's medians and the other tools' spike days.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from catalog.ranking.star_series import BurstDiscount

INTEGRITY_VERSION = "2026.12-1"

# --- thresholds: the one documented place (docs/integrity.md) ---------------------------------
#: Burst: the busiest BURST_DAYS hold at least BURST_SHARE of all stars gained ...
BURST_DAYS = 14
BURST_SHARE = 0.5
#: ... at least BURST_MIN_STARS of them (small repositories are not judged) ...
BURST_MIN_STARS = 200
#: ... and the AFTER_DAYS that follow add less than AFTER_RATIO of the burst (bought stars do
#: not bring the visitors, forks and further stars a real launch does).
AFTER_DAYS = 60
AFTER_RATIO = 0.10
#: Vanished stars: an observed total above what the history (which counts only stars that still
#: exist) gives for that day, by at least VANISHED_MIN_STARS and VANISHED_SHARE of the total.
VANISHED_MIN_STARS = 50
VANISHED_SHARE = 0.05
#: Flat engagement: over the last FLAT_WINDOW_DAYS, at least FLAT_MIN_STARS gained while each
#: measured engagement metric grew by less than FLAT_FACTOR times the category's median growth
#: per star (at least FLAT_MIN_METRICS metrics measured).
FLAT_WINDOW_DAYS = 90
FLAT_MIN_STARS = 300
FLAT_FACTOR = 0.25
FLAT_MIN_METRICS = 2
ENGAGEMENT = ("forks", "watchers", "open_issues", "contributors")
#: Lockstep: a spike day adds at least SPIKE_FACTOR times the tool's median day over the
#: SPIKE_BASELINE_DAYS before it, and at least SPIKE_MIN_STARS; tools sharing at least
#: LOCKSTEP_MIN_DAYS spike days are partners; LOCKSTEP_MIN_PARTNERS partners is a signal.
SPIKE_FACTOR = 5.0
SPIKE_MIN_STARS = 20
SPIKE_BASELINE_DAYS = 28
LOCKSTEP_MIN_DAYS = 3
LOCKSTEP_MIN_PARTNERS = 2
#: The discount (score formula 2026.12-2, docs/score.md): while a tool needs review for a
#: burst, its gains, trending and the score's momentum and growth leave out this share of the
#: burst's stars above the pace of the AFTER_DAYS that followed it. A cleared tool counts them.
#: Changing it changes the score formula: bump ``SCORE_VERSION`` too.
BURST_DISCOUNT = 1.0

NEEDS_REVIEW = "needs-review"

#: The thresholds above in words, per signal (shown in admin next to the evidence).
THRESHOLDS = {
    "burst": (
        f"the busiest {BURST_DAYS} days hold ≥ {BURST_SHARE:.0%} of all stars and "
        f"≥ {BURST_MIN_STARS} stars, and the {AFTER_DAYS} days after add "
        f"< {AFTER_RATIO:.0%} of them"
    ),
    "vanished": (
        f"an observed total ≥ {VANISHED_MIN_STARS} stars and ≥ {VANISHED_SHARE:.0%} above "
        "what the history counts for that day"
    ),
    "flat_engagement": (
        f"≥ {FLAT_MIN_STARS} stars in {FLAT_WINDOW_DAYS} days while each of ≥ "
        f"{FLAT_MIN_METRICS} engagement metrics grew < {FLAT_FACTOR:g}× the category median "
        "per star"
    ),
    "lockstep": (
        f"≥ {LOCKSTEP_MIN_PARTNERS} other tools sharing ≥ {LOCKSTEP_MIN_DAYS} spike days "
        f"(a day ≥ {SPIKE_FACTOR:g}× the median of the {SPIKE_BASELINE_DAYS} before, "
        f"≥ {SPIKE_MIN_STARS} stars)"
    ),
}


@dataclass(frozen=True)
class Observation:
    """What a refresh saw on one day (None: not reported)."""

    day: date
    stars: int | None
    forks: int | None = None
    watchers: int | None = None
    open_issues: int | None = None
    contributors: int | None = None


@dataclass(frozen=True)
class Signal:
    name: str  # burst | vanished | flat_engagement | lockstep
    above: bool  # over its threshold
    evidence: dict[str, object] = field(default_factory=dict)


def daily_additions(series: Iterable[tuple[date, int | None]]) -> dict[date, int]:
    """Stars added per day. Across a gap between two counts the difference is spread evenly
    over the gap's days (the honest reading of a sparse series: no invented spike)."""
    known = sorted((d, s) for d, s in series if s is not None)
    additions: dict[date, int] = {}
    for (prev, before), (day, stars) in pairwise(known):
        span = (day - prev).days
        if span <= 0:
            continue
        share, rest = divmod(stars - before, span)
        for i in range(1, span + 1):
            additions[prev + timedelta(days=i)] = share + (rest if i == span else 0)
    return additions


def _window_sum(additions: Mapping[date, int], start: date, days: int) -> int:
    return sum(additions.get(start + timedelta(days=i), 0) for i in range(days))


def burst(additions: Mapping[date, int]) -> Signal:
    """The share of all stars gained in the busiest BURST_DAYS, and what the next AFTER_DAYS
    added, as a share of the burst."""
    total = sum(n for n in additions.values() if n > 0)
    if not additions or total <= 0:
        return Signal("burst", False, {"total": total})
    first, last = min(additions), max(additions)
    best_start, best = first, -1
    running = _window_sum(additions, first, BURST_DAYS)
    day = first
    while day <= last:
        if running > best:
            best_start, best = day, running
        running += additions.get(day + timedelta(days=BURST_DAYS), 0) - additions.get(day, 0)
        day += timedelta(days=1)
    after = _window_sum(additions, best_start + timedelta(days=BURST_DAYS), AFTER_DAYS)
    followed = (last - best_start).days >= BURST_DAYS + AFTER_DAYS - 1
    share = best / total
    ratio = after / best if best > 0 else 0.0
    above = followed and best >= BURST_MIN_STARS and share >= BURST_SHARE and ratio < AFTER_RATIO
    evidence = {
        "start": best_start.isoformat(),
        "stars": best,
        "share": round(share, 3),
        "next_60_days": after,
        "next_60_ratio": round(ratio, 3),
        "total": total,
    }
    return Signal("burst", above, evidence)


def vanished(history: Sequence[tuple[date, int]], observed: Sequence[Observation]) -> Signal:
    """The largest gap between a total we observed and the history's count for that day."""
    points = sorted(history)
    if not points:
        return Signal("vanished", False)
    worst: tuple[int, date, int] | None = None
    for seen in observed:
        if seen.stars is None or not points[0][0] <= seen.day <= points[-1][0]:
            continue
        expected = _interpolate(points, seen.day)
        missing = seen.stars - round(expected)
        if worst is None or missing > worst[0]:
            worst = (missing, seen.day, seen.stars)
    if worst is None:
        return Signal("vanished", False)
    missing, day, seen_stars = worst
    share = missing / seen_stars if seen_stars else 0.0
    above = missing >= VANISHED_MIN_STARS and share >= VANISHED_SHARE
    return Signal(
        "vanished",
        above,
        {
            "day": day.isoformat(),
            "observed": seen_stars,
            "stars": max(missing, 0),
            "share": round(max(share, 0.0), 3),
        },
    )


def _interpolate(points: Sequence[tuple[date, int]], day: date) -> float:
    before = max((p for p in points if p[0] <= day), default=points[0])
    after = min((p for p in points if p[0] >= day), default=points[-1])
    if after[0] == before[0]:
        return float(before[1])
    share = (day - before[0]).days / (after[0] - before[0]).days
    return before[1] + (after[1] - before[1]) * share


def engagement_per_star(observed: Sequence[Observation], *, end: date) -> dict[str, float]:
    """Per engagement metric, its growth per star gained over the FLAT_WINDOW_DAYS to ``end``
    (metrics not observed at both ends are left out); {} when too few stars were gained."""
    start = end - timedelta(days=FLAT_WINDOW_DAYS)
    window = sorted((o for o in observed if start <= o.day <= end), key=lambda o: o.day)
    stars = [o for o in window if o.stars is not None]
    if len(stars) < 2:
        return {}
    gained = (stars[-1].stars or 0) - (stars[0].stars or 0)
    if gained <= 0:
        return {}
    result = {}
    for metric in ENGAGEMENT:
        values = [getattr(o, metric) for o in window if getattr(o, metric) is not None]
        if len(values) >= 2:
            result[metric] = (values[-1] - values[0]) / gained
    return {"_stars": float(gained), **result}


def flat_engagement(mine: Mapping[str, float], medians: Mapping[str, float]) -> Signal:
    """Stars rising while forks, watchers, issues and contributors stay flat against the
    category's median growth per star."""
    gained = mine.get("_stars", 0.0)
    compared = {m: (mine[m], medians[m]) for m in ENGAGEMENT if m in mine and medians.get(m)}
    flat = {m: v for m, (v, med) in compared.items() if v < FLAT_FACTOR * med}
    above = (
        gained >= FLAT_MIN_STARS
        and len(compared) >= FLAT_MIN_METRICS
        and len(flat) == len(compared)
    )
    evidence: dict[str, object] = {
        "stars_gained": int(gained),
        "per_star": {m: round(v, 4) for m, (v, _) in compared.items()},
        "category_median_per_star": {m: round(med, 4) for m, (_, med) in compared.items()},
    }
    return Signal("flat_engagement", above, evidence)


def category_medians(per_tool: Iterable[Mapping[str, float]]) -> dict[str, float]:
    values: dict[str, list[float]] = defaultdict(list)
    for mine in per_tool:
        for metric in ENGAGEMENT:
            if metric in mine:
                values[metric].append(mine[metric])
    return {metric: statistics.median(v) for metric, v in values.items() if v}


def spike_days(additions: Mapping[date, int]) -> set[date]:
    """Days adding SPIKE_FACTOR times the median of the SPIKE_BASELINE_DAYS before them."""
    days = set()
    for day, added in additions.items():
        if added < SPIKE_MIN_STARS:
            continue
        before = [
            additions.get(day - timedelta(days=i), 0) for i in range(1, SPIKE_BASELINE_DAYS + 1)
        ]
        if added >= SPIKE_FACTOR * max(statistics.median(before), 1):
            days.add(day)
    return days


def lockstep(spikes_by_tool: Mapping[int, set[date]]) -> dict[int, Signal]:
    """Per tool, the tools that spiked on at least LOCKSTEP_MIN_DAYS of the same days."""
    tools_on: dict[date, list[int]] = defaultdict(list)
    for tool_id, days in spikes_by_tool.items():
        for day in days:
            tools_on[day].append(tool_id)
    signals = {}
    for tool_id, days in spikes_by_tool.items():
        shared: Counter[int] = Counter()
        for day in days:
            shared.update(other for other in tools_on[day] if other != tool_id)
        partners = sorted(other for other, n in shared.items() if n >= LOCKSTEP_MIN_DAYS)
        together = sorted(d.isoformat() for d in days if any(p in tools_on[d] for p in partners))
        signals[tool_id] = Signal(
            "lockstep",
            len(partners) >= LOCKSTEP_MIN_PARTNERS,
            {"partners": partners, "days": together},
        )
    return signals


def burst_discount(status: str, evidence: object) -> BurstDiscount | None:
    """The stars trending and the score leave out, from a tool's stored status and evidence
    (``Tool.integrity_status``, ``Tool.integrity_signals``): only while it needs review and
    the burst is among the signals above their thresholds; None otherwise (also for evidence
    that does not name the burst's start)."""
    if status != NEEDS_REVIEW or not isinstance(evidence, Mapping):
        return None
    if "burst" not in (evidence.get("above") or ()):
        return None
    found = (evidence.get("signals") or {}).get("burst")
    if not isinstance(found, Mapping):
        return None
    try:
        start = date.fromisoformat(str(found["start"]))
        stars = max(float(found.get("stars") or 0), 0.0)
        after = max(float(found.get("next_60_days") or 0), 0.0)
    except (KeyError, TypeError, ValueError):
        return None
    pace = after / AFTER_DAYS
    return BurstDiscount(
        start=start,
        days=BURST_DAYS,
        pace=pace,
        left_out=BURST_DISCOUNT,
        stars=BURST_DISCOUNT * max(stars - pace * BURST_DAYS, 0.0),
    )


def review_status(signals: Iterable[Signal]) -> str:
    """ "needs-review" when any signal is above its threshold, else ""."""
    return NEEDS_REVIEW if any(s.above for s in signals) else ""


def describe(evidence: dict) -> list[str]:
    """The stored evidence (``Tool.integrity_signals``) as sentences for the tool page: only
    the signals above their thresholds, with their numbers; never a verdict."""
    signals = evidence.get("signals", {}) if isinstance(evidence, dict) else {}
    lines = []
    for name in evidence.get("above", []) if isinstance(evidence, dict) else []:
        e = signals.get(name, {})
        if name == "burst":
            left_out = burst_discount(NEEDS_REVIEW, evidence)
            lines.append(
                f"{e.get('stars')} stars ({e.get('share', 0):.0%} of all) arrived in the 14 days "
                f"from {e.get('start')}; the 60 days after added {e.get('next_60_days')}."
                + (
                    f" Until a curator clears it, star gains, trending and the score leave out "
                    f"{left_out.stars:,.0f} of them (those above the pace of the 60 days after)."
                    if left_out is not None and left_out.stars >= 0.5
                    else ""
                )
            )
        elif name == "vanished":
            lines.append(
                f"On {e.get('day')} we observed {e.get('observed')} stars; GitHub's history "
                f"now counts {e.get('stars')} fewer for that day (stars since removed)."
            )
        elif name == "flat_engagement":
            lines.append(
                f"{e.get('stars_gained')} stars in 90 days while forks, watchers, issues and "
                "contributors grew by less than a quarter of the category's median per star."
            )
        elif name == "lockstep":
            lines.append(
                f"Stars spiked on the same days ({', '.join(e.get('days', [])[:6])}) as "
                f"{len(e.get('partners', []))} other catalog tools."
            )
    return lines
