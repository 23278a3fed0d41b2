"""Score formula 2026.12-2: while a tool needs review for a burst, its gains, trending and the
score leave out the burst's stars above the pace that followed it. Synthetic daily series; the
expected numbers are worked out by hand in the comments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from catalog import integrity
from catalog.ranking.derive import SCORE_VERSION, ToolFacts, derive

DAY0 = date(2025, 1, 1)
END = 199  # the last day of every series


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def series(per_day: list[int]) -> tuple[tuple[date, int], ...]:
    """Daily counts from stars added per day (day 0 counts its own)."""
    total, points = 0, []
    for n, added in enumerate(per_day):
        total += added
        points.append((day(n), total))
    return tuple(points)


def bought() -> list[int]:
    # 3 a day; 800 more a day on days 120-124, and nothing extra after: 4,000 bought stars.
    per_day = [3] * 200
    for n in range(120, 125):
        per_day[n] += 800
    return per_day


def launch() -> list[int]:
    # An organic launch on days 120-133: 300 a day, then 60 a day for 60 days, then 20 a day.
    return [3] * 120 + [300] * 14 + [60] * 60 + [20] * 6


def evidence(per_day: list[int]) -> dict:
    """What the daily integrity pass stores (catalog.services.integrity), from the series."""
    signal = integrity.burst(integrity.daily_additions(series(per_day)))
    return {
        "above": ["burst"] if signal.above else [],
        "signals": {"burst": {"above": signal.above, **signal.evidence}},
    }


def facts(per_day: list[int], status: str) -> ToolFacts:
    points = series(per_day)
    discount = integrity.burst_discount(status, evidence(per_day))
    return ToolFacts(
        series=points,
        stars=points[-1][1],
        contributors=40,
        commits_90d=60,
        pushed_at=day(END),
        metrics_as_of=day(END),
        discount=discount,
    )


def test_the_formula_with_the_discount_is_2026_12_2():
    assert SCORE_VERSION == "2026.12-2"
    assert derive(facts(bought(), integrity.NEEDS_REVIEW)).breakdown.version == "2026.12-2"


def test_a_bought_burst_needing_review_is_left_out_of_the_90_day_gain_and_the_stars():
    burst = evidence(bought())["signals"]["burst"]
    # The busiest 14 days (the first such window) are 111-124: 5 × 803 + 9 × 3 = 4,042; the
    # 60 after (125-184) add 180.
    assert (burst["start"], burst["stars"], burst["next_60_days"]) == ("2025-04-22", 4042, 180)

    flagged = derive(facts(bought(), integrity.NEEDS_REVIEW))
    counted = derive(facts(bought(), ""))

    # The 90-day window (days 110-199) holds 90 × 3 + 4,000 stars. Inside the burst's 14 days
    # only the pace of the 60 days after counts (180 / 60 = 3 a day): 4,042 - 42 = 4,000 out.
    assert counted.damped_gains[90] == pytest.approx(4270)
    assert flagged.damped_gains[90] == pytest.approx(270)
    # The 7- and 30-day windows end long after the burst: nothing to leave out.
    assert flagged.damped_gains[30] == counted.damped_gains[30] == pytest.approx(90)
    assert flagged.damped_gains[7] == pytest.approx(21)
    # The stars signal counts 4,600 - 4,000 = 600 of the 4,600 stars.
    stars = {c.name: c for c in flagged.breakdown.components}["stars"]
    assert series(bought())[-1][1] == 4600
    assert stars.raw_value == 600
    assert "4,000 stars of a burst from 22 Apr 2025 that needs review left out" in stars.note
    assert (flagged.score or 0) < (counted.score or 0)


def test_the_breakdown_still_adds_up_to_the_score():
    breakdown = derive(facts(bought(), integrity.NEEDS_REVIEW)).breakdown

    assert sum(c.contribution for c in breakdown.components) == pytest.approx(breakdown.score)
    assert set(breakdown.discounts) == {"stars"}  # the trend's 30 days hold no burst


def test_a_curator_cleared_burst_counts_in_full():
    cleared = derive(facts(bought(), "cleared"))
    unflagged = derive(facts(bought(), ""))

    assert integrity.burst_discount("cleared", evidence(bought())) is None
    assert cleared.damped_gains[90] == pytest.approx(4270)
    assert cleared.score == unflagged.score
    assert cleared.breakdown.discounts == {}


def test_an_organic_launch_is_not_flagged_so_nothing_is_left_out():
    # The launch's 60 days after add 3,600, far above a tenth of its 4,200: not flagged.
    assert evidence(launch())["above"] == []

    result = derive(facts(launch(), integrity.NEEDS_REVIEW))  # even if it were marked

    assert integrity.burst_discount(integrity.NEEDS_REVIEW, evidence(launch())) is None
    # Days 110-199: 10 × 3 + 14 × 300 + 60 × 60 + 6 × 20 = 7,950, all counted.
    assert result.damped_gains[90] == pytest.approx(7950)
    assert result.breakdown.discounts == {}


def test_a_burst_inside_the_trend_span_is_left_out_of_momentum_and_growth():
    # Sparse observations: days 100 (303), 180 (4,543) and 199 (4,600). No observation lies
    # within 60 days before the 30-day window, so momentum averages days 100-199 (99 days).
    points = series(bought())
    sparse = (points[100], points[180], points[199])
    burst = integrity.burst_discount(integrity.NEEDS_REVIEW, evidence(bought()))
    plain_facts = ToolFacts(
        series=sparse, stars=4600, contributors=40, pushed_at=day(END), metrics_as_of=day(END)
    )

    plain = derive(plain_facts)
    discounted = derive(replace(plain_facts, discount=burst))

    assert plain.momentum is not None
    assert discounted.momentum is not None
    assert plain.momentum.span_days == discounted.momentum.span_days == 99
    # Between days 100 and 180 the line rises 4,240 / 80 = 53 a day, so the burst's days
    # 111-124 hold 14 × 53 = 742 stars; less 14 × 3 at the pace, 700 are left out.
    assert plain.momentum.per_30_days == pytest.approx(4297 * 30 / 99)
    assert discounted.momentum.per_30_days == pytest.approx((4297 - 700) * 30 / 99)
    # Growth still divides by the stars counted at the span's start (303), not fewer.
    assert discounted.momentum.start_stars == pytest.approx(303)
    notes = {c.name: c.note for c in discounted.breakdown.components}
    assert notes["momentum"] == (
        "average over the last 99 days, scaled to 30; "
        "700 stars of a burst from 22 Apr 2025 that needs review left out (docs/integrity.md)"
    )
    assert "700 stars of a burst" in notes["growth"]
    breakdown = discounted.breakdown
    assert sum(c.contribution for c in breakdown.components) == pytest.approx(breakdown.score)
    assert (discounted.score or 0) < (plain.score or 0)


def test_evidence_without_a_usable_burst_start_discounts_nothing():
    assert integrity.burst_discount(integrity.NEEDS_REVIEW, {"above": ["vanished"]}) is None
    broken = {"above": ["burst"], "signals": {"burst": {"start": "not a day"}}}
    assert integrity.burst_discount(integrity.NEEDS_REVIEW, broken) is None
    assert integrity.burst_discount(integrity.NEEDS_REVIEW, None) is None
