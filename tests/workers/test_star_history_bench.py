"""The star-history benchmark counts what the pass really asks GitHub for."""

from math import ceil

from benchmarks.star_history import ages, measure, render


def test_the_backfill_asks_one_page_per_30_weeks_and_the_weekly_pass_one_page_per_tool():
    result = measure(tools=12, seed=3)

    backfill, weekly = result["backfill"], result["weekly"]
    # Each repository's history is ceil(its weeks / 30) pages, read once each.
    assert backfill.requests == result["pages"]
    assert result["pages"] >= ceil(result["weeks"] / 30)
    assert backfill.points == backfill.requests
    assert weekly.requests == 12  # the first page only, for every tool
    assert weekly.points == 12 - weekly.not_modified  # a 304 costs nothing
    assert "| backfill to creation |" in render(result)


def test_ages_follow_the_documented_bands():
    drawn = ages(2000, seed=1)

    under_a_year = sum(1 for age in drawn if age < 365) / len(drawn)
    assert 0.30 < under_a_year < 0.40
    assert max(drawn) <= 12 * 365
