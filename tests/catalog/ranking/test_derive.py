"""Ranking arithmetic on hand-made star series: no database, every expected value worked out
by hand in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from catalog.ranking import derive as rankings
from catalog.ranking.derive import (
    ToolFacts,
    activity,
    damped_gain,
    derive,
    measure_window,
    rank_positions,
    relative_growth,
    star_gain,
)

END = date(2025, 6, 26)


def days_ago(n: int) -> date:
    return END - timedelta(days=n)


#: Roughly weekly, with a three-week gap, a NULL value and out of order.
IRREGULAR = [
    (days_ago(0), 1800),
    (days_ago(100), 1000),
    (days_ago(93), 1070),
    (days_ago(86), None),  # not reported that day: ignored, not read as 0
    (days_ago(65), 1300),
    (days_ago(35), 1500),
    (days_ago(28), 1560),
    (days_ago(14), 1700),
    (days_ago(7), 1750),
]


def daily(values: list[int], *, last: date = END) -> list[tuple[date, int]]:
    """A daily series ending on ``last``."""
    return [(last - timedelta(days=len(values) - 1 - i), v) for i, v in enumerate(values)]


def cumulative(increments: list[int], start: int = 1000) -> list[int]:
    values = [start]
    for increment in increments:
        values.append(values[-1] + increment)
    return values


# --- Star gains over irregular series --------------------------------------------------------


def test_seven_day_gain_uses_the_snapshot_exactly_a_week_old():
    # 1800 today − 1750 seven days ago
    assert star_gain(IRREGULAR, window_days=7) == 50


def test_thirty_day_gain_interpolates_between_the_snapshots_around_the_window_start():
    # Day −30 lies between day −35 (1500) and day −28 (1560): 1500 + 60 × 5/7 = 1542.857…
    # so the gain is 1800 − 1542.857… = 257.142…
    assert star_gain(IRREGULAR, window_days=30) == pytest.approx(1800 - (1500 + 60 * 5 / 7))


def test_ninety_day_gain_skips_the_null_value_in_the_gap():
    # Day −90 lies between day −93 (1070) and day −65 (1300), day −86 being NULL:
    # 1070 + 230 × 3/28 = 1094.642…, so the gain is 705.357…
    assert star_gain(IRREGULAR, window_days=90) == pytest.approx(1800 - (1070 + 230 * 3 / 28))


def test_a_snapshot_older_than_the_window_start_scales_the_gain_to_the_window():
    # Only day −50 (1000) and today (1500): 500 stars over 50 days → 500 × 30/50 = 300.
    series = [(days_ago(50), 1000), (END, 1500)]
    assert star_gain(series, window_days=30) == pytest.approx(300)


def test_a_snapshot_more_than_two_windows_old_gives_no_gain_rather_than_a_guess():
    # Day −61 is more than 2 × 30 days before the end: the figure would be a guess.
    assert star_gain([(days_ago(61), 1000), (END, 1500)], window_days=30) is None
    # Day −60 is just within the limit: 500 × 30/60 = 250.
    assert star_gain([(days_ago(60), 1000), (END, 1500)], window_days=30) == pytest.approx(250)


def test_a_series_shorter_than_the_window_gives_null_not_zero():
    series = daily(cumulative([5] * 20))  # 21 days of history
    assert star_gain(series, window_days=7) == 35
    assert star_gain(series, window_days=30) is None
    assert star_gain(series, window_days=90) is None


def test_no_known_values_give_null():
    assert star_gain([], window_days=7) is None
    assert star_gain([(days_ago(10), None), (END, None)], window_days=7) is None


def test_a_window_ending_after_the_last_observation_is_not_extrapolated():
    assert star_gain(IRREGULAR, window_days=7, end=END + timedelta(days=3)) is None


def test_a_window_can_end_on_an_earlier_day():
    # Ending on day −7 (1750): day −14 had 1700.
    assert star_gain(IRREGULAR, window_days=7, end=days_ago(7)) == 50


def test_lost_stars_give_a_negative_gain():
    assert star_gain([(days_ago(7), 900), (END, 850)], window_days=7) == -50


# --- Spike damping ---------------------------------------------------------------------------


def test_a_one_day_spike_is_damped_to_three_times_the_typical_day():
    # 30 days of +10, except +5000 from day −4 to day −3. Typical day: +10, so the spike
    # counts 3 × 10 = 30: 29 × 10 + 30 = 320 instead of 29 × 10 + 5000 = 5290.
    increments = [10] * 30
    increments[26] = 5000
    series = daily(cumulative(increments))
    assert star_gain(series, window_days=30) == 5290
    assert damped_gain(series, window_days=30) == pytest.approx(320)
    # The week containing the spike: 6 × 10 + 30.
    assert star_gain(series, window_days=7) == 5060
    assert damped_gain(series, window_days=7) == pytest.approx(90)


def test_a_two_day_spike_within_steady_growth_is_damped():
    # 30 days of +10, except +3000 on each of days −5→−4 and −4→−3: a 2-day burst, so each of
    # its days counts 3 × 10 = 30: 28 × 10 + 2 × 30 = 340 instead of 28 × 10 + 6000 = 6280.
    increments = [10] * 30
    increments[25:27] = [3000, 3000]
    series = daily(cumulative(increments))
    assert star_gain(series, window_days=30) == 6280
    assert damped_gain(series, window_days=30) == pytest.approx(340)
    # The same two days seen as one 2-day step (day −4 not observed) are the same spike.
    sparse = [point for point in series if point[0] != days_ago(4)]
    assert damped_gain(sparse, window_days=30) == pytest.approx(340)


def test_a_surge_over_three_days_of_daily_snapshots_counts_in_full():
    # +10 a day for 4 days, then +1000 a day for 3: typical day +10, cap 30 a day, but the
    # burst lasts 3 days — a surge, not a spike: 4 × 10 + 3 × 1000 = 3040 (not 40 + 90 = 130).
    series = daily(cumulative([10] * 4 + [1000] * 3))
    assert damped_gain(series, window_days=7) == star_gain(series, window_days=7) == 3040
    # Sampled weekly, the same growth is one 7-day step: the same 3040.
    weekly = [series[0], series[-1]]
    assert damped_gain(weekly, window_days=7) == 3040


def test_a_ten_day_surge_in_a_month_of_daily_snapshots_counts_in_full():
    # 20 days of +20 then 10 days of +400: typical day +20, cap 60 a day; the 10-day burst
    # counts in full: 20 × 20 + 10 × 400 = 4400 (not 400 + 10 × 60 = 1000).
    series = daily(cumulative([20] * 20 + [400] * 10))
    assert damped_gain(series, window_days=30) == star_gain(series, window_days=30) == 4400


def test_a_surge_that_began_before_the_window_is_not_cut_into_a_spike():
    # +10 a day, except +1000 a day on the 4 days from day −10 to day −6. The 7-day window
    # (day −7 → today) holds only the surge's last day, but the burst began before the
    # window: 1000 + 6 × 10 = 1060, not 30 + 60.
    series = daily(cumulative([10] * 20 + [1000] * 4 + [10] * 6))
    assert damped_gain(series, window_days=7) == star_gain(series, window_days=7) == 1060
    # Likewise a window that ends one day into the surge, on day −9: the burst goes on after
    # it. Window day −16 → day −9: 6 × 10 + 1000.
    end = days_ago(9)
    assert damped_gain(series, window_days=7, end=end) == star_gain(series, window_days=7, end=end)
    assert damped_gain(series, window_days=7, end=end) == 1060


def test_a_spike_on_a_flat_tool_is_capped_at_three_stars_a_day():
    # A tool gaining nothing gets 400 stars in one day: typical 0 → floor 1/day → 3 stars.
    series = daily(cumulative([0] * 6 + [400]))
    assert damped_gain(series, window_days=7) == pytest.approx(3)


def test_sustained_growth_is_not_damped():
    # 14 quiet days then 16 days of +300: the typical day is +300, nothing exceeds 3×.
    series = daily(cumulative([1] * 14 + [300] * 16))
    assert damped_gain(series, window_days=30) == star_gain(series, window_days=30) == 4814


def test_weekly_samples_are_never_damped():
    # A big week is a week of growth, not a one-day spike.
    series = [(days_ago(28), 0), (days_ago(21), 10), (days_ago(14), 20), (days_ago(7), 30)]
    series.append((END, 5030))
    assert damped_gain(series, window_days=28) == star_gain(series, window_days=28) == 5030


def test_an_interpolated_edge_of_a_long_step_is_not_a_spike():
    # Day −33 → day −29 is one 4-day step of +4000; the window's first day (−30) falls inside
    # it, so the window starts with 1 interpolated day of +1000 — not a spike (the step is
    # 4 days long) — followed by 29 quiet days of +1.
    series = [(days_ago(33), 0), *daily(cumulative([1] * 29, start=4000))]
    assert star_gain(series, window_days=30) == pytest.approx(1000 + 29)
    assert damped_gain(series, window_days=30) == pytest.approx(1000 + 29)


def test_damped_gain_is_null_when_the_gain_is():
    assert damped_gain([(END, 10)], window_days=7) is None


def test_measure_window_reports_the_stars_at_the_window_start():
    window = measure_window(IRREGULAR, window_days=30)
    assert window.start_stars == pytest.approx(1500 + 60 * 5 / 7)
    assert [piece.days for piece in window.pieces] == [2, 14, 7, 7]


# --- Growth and activity ---------------------------------------------------------------------


def test_relative_growth_is_the_gain_in_percent_of_the_stars_at_the_start():
    assert relative_growth(200, 1000) == pytest.approx(20.0)
    assert relative_growth(-50, 1000) == pytest.approx(-5.0)


def test_relative_growth_is_null_without_a_gain_or_from_zero_stars():
    assert relative_growth(None, 1000) is None
    assert relative_growth(5, 0) is None
    assert relative_growth(5, None) is None


def test_a_push_on_the_day_of_measurement_is_fully_active():
    assert activity(pushed_at=END, commits_90d=None, as_of=END) == 1.0


def test_push_recency_halves_every_ninety_days():
    assert activity(pushed_at=days_ago(90), commits_90d=None, as_of=END) == pytest.approx(0.5)
    assert activity(pushed_at=days_ago(180), commits_90d=None, as_of=END) == pytest.approx(0.25)


def test_push_times_and_dates_mix():
    pushed = datetime(2025, 6, 25, 23, 0, tzinfo=UTC)
    as_of = datetime(2025, 6, 26, 1, 0, tzinfo=UTC)
    # Two hours apart across midnight: one calendar day of idleness.
    expected = 0.5 ** (1 / 90)
    assert activity(pushed_at=pushed, commits_90d=None, as_of=as_of) == pytest.approx(expected)


def test_activity_averages_push_recency_and_recent_commits():
    # Recency 0.5; 300 commits saturate the commit signal at 1 → (0.5 + 1) / 2.
    assert activity(pushed_at=days_ago(90), commits_90d=300, as_of=END) == pytest.approx(0.75)
    # Commits alone: log(1 + 30) / log(1 + 300) = 0.6017…
    assert activity(pushed_at=None, commits_90d=30, as_of=END) == pytest.approx(0.60170, abs=1e-4)


def test_an_archived_repository_has_no_activity_and_nothing_known_is_null():
    assert activity(pushed_at=END, commits_90d=500, as_of=END, archived=True) == 0.0
    assert activity(pushed_at=None, commits_90d=None, as_of=END) is None
    assert activity(pushed_at=END, commits_90d=None, as_of=None) is None


# --- The composite score ---------------------------------------------------------------------


def facts(**overrides) -> ToolFacts:
    """A mid-sized, maintained tool: 5,000 stars, +300 over 30 days, pushed yesterday."""
    values = {
        "series": ((days_ago(30), 4700), (END, 5000)),
        "stars": 5000,
        "contributors": 40,
        "commits_90d": 60,
        "pushed_at": days_ago(1),
        "metrics_as_of": END,
    }
    return ToolFacts(**{**values, **overrides})


def score(**overrides) -> float:
    return derive(facts(**overrides)).score


def test_a_mid_sized_maintained_tool_scores_67_75_under_formula_2026_12_2():
    # 100 × (0.30 × 0.6978 + 0.25 × 0.6196 + 0.10 × 0.6136 + 0.20 × 0.8563 + 0.15 × 0.5375)
    # with the normalised values worked out in the test below.
    result = derive(facts())
    assert result.score == pytest.approx(67.75, abs=0.01)
    assert result.breakdown.version == "2026.12-2"


def test_each_component_contributes_100_times_weight_times_normalised_value():
    breakdown = derive(facts()).breakdown
    contributions = {c.name: (c.weight, c.contribution) for c in breakdown.components}
    assert contributions == {
        "stars": (pytest.approx(0.30), pytest.approx(20.93, abs=0.01)),  # 100 × 0.30 × 0.6978
        "momentum": (pytest.approx(0.25), pytest.approx(15.49, abs=0.01)),  # × 0.6196
        "growth": (pytest.approx(0.10), pytest.approx(6.14, abs=0.01)),  # × 0.6136
        "activity": (pytest.approx(0.20), pytest.approx(17.13, abs=0.01)),  # × 0.8563
        "contributors": (pytest.approx(0.15), pytest.approx(8.06, abs=0.01)),  # × 0.5375
    }
    assert [c.name for c in breakdown.components] == list(contributions)  # display order


def test_breakdown_shows_raw_and_normalised_values():
    breakdown = derive(facts()).breakdown
    parts = {c.name: c for c in breakdown.components}
    assert parts["stars"].raw_value == 5000
    # log(1 + 5000) / log(1 + 200000) = 0.6977…
    assert parts["stars"].normalised == pytest.approx(0.69780, abs=1e-4)
    assert parts["momentum"].raw_value == pytest.approx(300)
    assert parts["momentum"].note == "over the last 30 days"
    # log10(301) / log10(10001) = 0.6196…
    assert parts["momentum"].normalised == pytest.approx(0.61964, abs=1e-4)
    # 300 of the 4700 stars at the start: 6.38 %; log(7.383) / log(26) = 0.6136…
    assert parts["growth"].raw_value == pytest.approx(300 / 4700 * 100)
    assert parts["growth"].normalised == pytest.approx(0.61360, abs=1e-4)
    # Pushed a day before measurement: 0.5 ** (1/90); log(1 + 60) / log(1 + 300) = 0.7203…
    assert parts["activity"].raw_value == pytest.approx((0.5 ** (1 / 90) + 0.72034) / 2, abs=1e-4)
    # log(1 + 40) / log(1 + 1000) = 0.5376…
    assert parts["contributors"].normalised == pytest.approx(0.53760, abs=1e-4)


def test_a_fully_capped_tool_scores_100_and_an_idle_unknown_one_near_0():
    giant = facts(
        series=((days_ago(30), 100_000), (END, 300_000)),
        stars=300_000,
        contributors=5000,
        commits_90d=1000,
        pushed_at=END,
    )
    assert derive(giant).score == pytest.approx(100)
    idle = facts(
        series=((days_ago(30), 1), (END, 1)),
        stars=1,
        contributors=1,
        commits_90d=0,
        pushed_at=days_ago(3650),
    )
    assert derive(idle).score < 5


def test_more_stars_more_gain_and_more_activity_score_higher():
    assert score(stars=50_000) > score(stars=5000) > score(stars=500)
    assert score(series=((days_ago(30), 4000), (END, 5000))) > score()
    assert score(pushed_at=END) > score(pushed_at=days_ago(200))
    assert score(contributors=200) > score(contributors=40)


def test_missing_signals_are_left_out_and_named():
    breakdown = derive(facts(contributors=None, commits_90d=None, pushed_at=None)).breakdown
    assert breakdown.missing == ["activity", "contributors"]
    # The known nominal weights (stars .30, momentum .25, growth .10) are renormalised.
    weights = {c.name: c.weight for c in breakdown.components}
    assert weights["stars"] == pytest.approx(0.30 / 0.65)
    assert weights["momentum"] == pytest.approx(0.25 / 0.65)
    assert weights["growth"] == pytest.approx(0.10 / 0.65)
    assert weights["activity"] == weights["contributors"] == 0
    parts = {c.name: c for c in breakdown.components}
    assert parts["contributors"].contribution == 0
    assert parts["contributors"].note == "not measured"
    assert sum(c.contribution for c in breakdown.components) == pytest.approx(breakdown.score)


def test_no_score_without_stars():
    assert derive(ToolFacts()).score is None
    assert derive(facts(stars=None, series=())).score is None
    assert derive(ToolFacts()).breakdown.reason == "not measured yet"
    assert derive(facts()).breakdown.reason == ""
    assert derive(facts()).breakdown.provisional is False


def test_stars_without_a_star_trend_give_a_provisional_score_from_what_is_known():
    # One observation: no trend. Stars, activity and contributors at their nominal weights,
    # the trend counting as none (normalised values worked out in the test above):
    # 100 × (0.30 × 0.69780 + 0.20 × 0.85632 + 0.15 × 0.53752) = 20.934 + 17.126 + 8.063
    single = derive(facts(series=(), metrics_as_of=END))
    assert single.score == pytest.approx(46.12, abs=0.01)
    assert single.breakdown.provisional is True
    assert single.breakdown.missing == ["momentum", "growth"]
    parts = {c.name: c for c in single.breakdown.components}
    assert parts["stars"].raw_value == 5000
    assert parts["stars"].weight == 0.30  # nominal, not renormalised
    assert parts["momentum"].note == "not measured: too little star history"
    assert parts["momentum"].contribution == 0
    assert single.breakdown.reason.startswith("provisional: no star trend yet")


def test_a_provisional_score_is_a_lower_bound_of_the_full_one():
    # Stars alone: 100 × 0.30 × log(1 + 16,400) / log(1 + 200,000) = 100 × 0.30 × 0.79510
    alone = derive(ToolFacts(stars=16_400, metrics_as_of=END))
    assert alone.score == pytest.approx(23.85, abs=0.01)
    assert derive(facts(series=(), metrics_as_of=END)).score < derive(facts()).score


def test_gains_ending_more_than_seven_days_before_the_catalog_as_of_are_not_current():
    eight_days_later = END + timedelta(days=8)
    stale = derive(facts(), catalog_as_of=eight_days_later)
    assert stale.current is False
    assert stale.gains == {7: None, 30: None, 90: None}
    assert stale.damped_gains == {7: None, 30: None, 90: None}
    assert stale.growth_30d is None
    assert stale.momentum is None
    assert stale.window_end == END  # still said: the day the figures are from
    # Provisional, as for a single observation: 46.12 (see above).
    assert stale.score == pytest.approx(46.12, abs=0.01)
    assert stale.breakdown.provisional is True
    parts = {c.name: c for c in stale.breakdown.components}
    assert parts["momentum"].note.startswith("not current: its latest star count is from 26 Jun")
    assert stale.breakdown.reason == (
        "provisional: its latest star count is from 26 Jun 2025, more than 7 days before "
        "the catalog's newest figures (04 Jul 2025)"
    )


def test_gains_ending_seven_days_before_the_catalog_as_of_are_current():
    week_later = derive(facts(), catalog_as_of=END + timedelta(days=7))
    assert week_later.current is True
    assert week_later.gains[30] == 300  # 5000 − 4700
    assert week_later.score == pytest.approx(67.75, abs=0.01)
    assert week_later.breakdown.provisional is False


def test_momentum_falls_back_to_the_latest_longer_span_scaled_to_30_days():
    # Snapshots 200 and 285 days old, none since: the 30-day window cannot be measured, so the
    # score averages over the 200 days since the latest snapshot older than 30 days:
    # (5000 − 4000) × 30/200 = 150 per 30 days, from 4000 stars: 3.75 %.
    series = ((days_ago(285), 3500), (days_ago(200), 4000))
    result = derive(facts(series=series, stars=5000))
    assert result.gains == {7: None, 30: None, 90: None}
    assert result.momentum.span_days == 200
    assert result.momentum.per_30_days == pytest.approx(150)
    parts = {c.name: c for c in result.breakdown.components}
    assert parts["momentum"].raw_value == pytest.approx(150)
    assert parts["momentum"].note == "average over the last 200 days, scaled to 30"
    assert parts["growth"].raw_value == pytest.approx(3.75)
    assert result.score is not None


def test_momentum_of_a_young_tool_is_measured_from_its_first_week():
    # Twelve days of history: +20 a day → 240 in 12 days → 600 per 30 days.
    result = derive(facts(series=tuple(daily(cumulative([20] * 12))), stars=None))
    assert result.momentum.span_days == 12
    assert result.momentum.per_30_days == pytest.approx(600)
    # Six days are not enough to call it a trend.
    six_days = derive(facts(series=tuple(daily(cumulative([20] * 6))), stars=None))
    assert six_days.breakdown.provisional is True


def test_momentum_does_not_reach_back_more_than_a_year():
    series = ((days_ago(400), 1000),)
    assert rankings.momentum((*series, (END, 2000))) is None


def test_a_one_day_spike_barely_moves_the_score():
    steady = cumulative([10] * 30, start=5000)
    spiked = cumulative([10] * 29 + [20_000], start=5000)
    base = derive(facts(series=tuple(daily(steady)), stars=steady[-1])).score
    spike = derive(facts(series=tuple(daily(spiked)), stars=spiked[-1])).score
    sustained_values = cumulative([700] * 30, start=5000)
    sustained = derive(facts(series=tuple(daily(sustained_values)), stars=sustained_values[-1]))
    # The spike adds 20,000 stars (which count in full as stars) but only 30 to momentum.
    assert spike - base < sustained.score - base


# --- Deriving a tool's fields ----------------------------------------------------------------


def test_windows_end_at_the_latest_observation_not_today():
    result = derive(facts(series=((date(2021, 1, 1), 100), (date(2021, 1, 31), 160))))
    # metrics_as_of (END) adds the tool's own latest stars as an observation.
    assert result.window_end == END
    stale = derive(
        ToolFacts(series=((date(2021, 1, 1), 100), (date(2021, 1, 31), 160)), stars=None)
    )
    assert stale.window_end == date(2021, 1, 31)
    assert stale.gains[30] == 60


def test_a_snapshot_newer_than_the_latest_metrics_gives_the_stars_scored():
    result = derive(facts(series=((days_ago(30), 4000), (days_ago(-5), 5600)), stars=5000))
    assert result.window_end == days_ago(-5)
    assert result.breakdown.components[0].raw_value == 5600


def test_latest_metrics_newer_than_the_snapshots_count_as_an_observation():
    result = derive(facts(series=((days_ago(37), 4000), (days_ago(7), 4600)), stars=5000))
    # Day −7 → today: +400 in 7 days.
    assert result.gains[7] == pytest.approx(400)
    # Day −30 interpolated between −37 (4000) and −7 (4600): 4000 + 600 × 7/30 = 4140.
    assert result.gains[30] == pytest.approx(5000 - 4140)
    assert result.growth_30d == pytest.approx(860 / 4140 * 100)
    assert result.gains[90] is None


# --- Ranks -----------------------------------------------------------------------------------


def test_ranks_order_by_score_then_stars_within_each_group():
    entries = [
        (1, "agents", 50.0, 100),
        (2, "agents", 70.0, 10),
        (3, "agents", 50.0, 900),  # same score as 1, more stars → ahead of it
        (4, "rag", 20.0, 5),
        (5, "agents", None, 99_999),  # no score → not ranked
    ]
    assert rank_positions(entries) == {2: 1, 3: 2, 1: 3, 4: 1}


@pytest.mark.parametrize(
    "series",
    [
        IRREGULAR,
        [(days_ago(n), 500 + 10 * (40 - n)) for n in range(40)],  # daily
        [(days_ago(n), 900 + 5 * (80 - n)) for n in (80, 60, 20, 12)],  # sparse: span fallback
        [(days_ago(n), 300 + (3000 if n < 4 else 0) + 2 * (40 - n)) for n in range(40)],  # spike
    ],
)
def test_the_score_trend_is_the_momentum_of_the_series(series):
    """``derive`` reuses its 30-day window for the trend rather than measuring it twice: the
    trend must be exactly what ``momentum`` measures on the same series."""
    derived = derive(ToolFacts(series=tuple(series)))

    assert derived.momentum == rankings.momentum(series, end=derived.window_end)
    assert derived.momentum is not None
