"""The rankings writer: derived fields and ranks saved in bulk, in a fixed number of queries."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Tool, ToolStatus
from catalog.ranking.derive import SCORE_VERSION
from catalog.ranking.writer import (
    recompute_all_in_one_write,
    recompute_rankings,
    recompute_ranks,
    tool_score_breakdown,
)
from catalog.selectors import trending
from tests.factories import make_category, make_layer, make_snapshot, make_tool

pytestmark = pytest.mark.django_db

END = date(2026, 8, 17)


def measured_tool(*, stars: int, gained_30d: int, **fields) -> Tool:
    """A tool with snapshots 30 days apart: ``gained_30d`` stars in the last 30 days."""
    as_of = datetime(END.year, END.month, END.day, tzinfo=UTC)
    tool = make_tool(
        stars=stars,
        contributors=fields.pop("contributors", 20),
        pushed_at=fields.pop("pushed_at", as_of - timedelta(days=3)),
        metrics_as_of=as_of,
        **fields,
    )
    make_snapshot(tool, END - timedelta(days=30), stars=stars - gained_30d)
    make_snapshot(tool, END, stars=stars)
    return tool


def test_recompute_saves_gains_growth_activity_and_score():
    tool = measured_tool(stars=1200, gained_30d=200)

    assert recompute_rankings() == 1

    tool.refresh_from_db()
    assert tool.stars_gained_30d == 200
    # The snapshot before the 7-day window is 30 days old: more than twice the window, a guess.
    assert tool.stars_gained_7d is None
    assert tool.stars_gained_90d is None  # no snapshot old enough
    assert tool.growth_30d == pytest.approx(20.0)  # 200 of the 1000 stars at the start
    assert 0 < tool.activity <= 1
    assert 0 < tool.score <= 100
    assert tool.score_version == SCORE_VERSION
    assert tool.rankings_computed_at is not None


def test_tool_without_metrics_keeps_null_fields_not_zero():
    tool = make_tool()

    recompute_rankings()

    tool.refresh_from_db()
    assert tool.stars_gained_7d is None
    assert tool.stars_gained_30d is None
    assert tool.growth_30d is None
    assert tool.score is None
    assert tool.rank_in_category is None


@pytest.mark.parametrize("recompute", [recompute_rankings, recompute_all_in_one_write])
def test_ranks_listed_tools_by_score_within_category_and_layer(recompute):
    """Also as a large import ranks (derived fields and ranks written in one update)."""
    layer = make_layer()
    agents, rag = make_category(layer=layer), make_category(layer=layer)
    big = measured_tool(stars=50_000, gained_30d=3000, category=agents)
    small = measured_tool(stars=300, gained_30d=5, category=agents)
    middle = measured_tool(stars=5_000, gained_30d=400, category=rag)
    hidden = measured_tool(
        stars=90_000, gained_30d=5000, category=agents, hidden=True, rank_in_category=1
    )  # ranked before it was hidden
    archived = measured_tool(
        stars=80_000, gained_30d=10, category=rag, status=ToolStatus.ARCHIVED, archived=True
    )
    unmeasured = make_tool(category=agents)

    assert recompute() == 6

    def ranks(tool):
        tool.refresh_from_db()
        return tool.rank_in_category, tool.rank_in_layer

    assert ranks(big) == (1, 1)
    assert ranks(middle) == (1, 2)
    assert ranks(small) == (2, 3)
    assert ranks(hidden) == (None, None)
    assert ranks(archived) == (None, None)
    assert ranks(unmeasured) == (None, None)


def test_recompute_for_some_tools_reranks_their_category():
    category = make_category()
    first = measured_tool(stars=10_000, gained_30d=500, category=category)
    second = measured_tool(stars=2_000, gained_30d=50, category=category)
    recompute_rankings()
    assert Tool.objects.get(pk=second.pk).rank_in_category == 2

    # A month later the second tool has grown twentyfold; only it is refreshed.
    later = datetime(END.year, END.month, END.day, tzinfo=UTC) + timedelta(days=30)
    Tool.objects.filter(pk=second.pk).update(stars=40_000, metrics_as_of=later)
    make_snapshot(second, later.date(), stars=40_000)
    # The first tool's gains are now a month behind the catalog: recomputed too.
    assert recompute_rankings(tool_ids=[second.pk]) == 2

    assert Tool.objects.get(pk=second.pk).rank_in_category == 1
    stale = Tool.objects.get(pk=first.pk)
    assert stale.rank_in_category == 2
    assert stale.stars_gained_30d is None
    assert stale.score_provisional is True
    assert stale.gains_window_end == END


def test_a_tool_with_a_single_observation_ranks_above_unmeasured_ones():
    category = make_category()
    single = make_tool(
        stars=16_400,
        metrics_as_of=datetime(END.year, END.month, END.day, tzinfo=UTC),
        category=category,
    )
    make_snapshot(single, END, stars=16_400)
    unmeasured = make_tool(category=category)
    recompute_rankings()

    single.refresh_from_db()
    unmeasured.refresh_from_db()
    # Stars alone: 100 × 0.30 × log(16,401) / log(200,001) = 23.85, provisional.
    assert single.score == pytest.approx(23.85, abs=0.01)
    assert single.score_provisional is True
    assert single.rank_in_category == 1
    assert unmeasured.score is None
    assert unmeasured.rank_in_category is None


def sparse_tool(*, stars: int, **fields) -> Tool:
    """A tool last seen in a snapshot 200 days before its latest metrics: no 30-day window."""
    as_of = datetime(END.year, END.month, END.day, tzinfo=UTC)
    tool = make_tool(stars=stars, pushed_at=as_of, metrics_as_of=as_of, **fields)
    make_snapshot(tool, END - timedelta(days=200), stars=stars - 400)
    return tool


def test_sparse_history_still_gives_a_score_from_the_longer_span():
    tool = sparse_tool(stars=2400)

    recompute_rankings()

    tool.refresh_from_db()
    assert tool.stars_gained_30d is None  # the 30-day gain cannot be read off this series
    assert tool.score is not None  # but the trend over 200 days can: 400 × 30/200 = 60
    parts = {c.name: c for c in tool_score_breakdown(tool).components}
    assert parts["momentum"].raw_value == pytest.approx(60)
    assert parts["momentum"].note == "average over the last 200 days, scaled to 30"


def test_a_one_day_spike_is_damped_in_the_saved_gains():
    as_of = datetime(END.year, END.month, END.day, tzinfo=UTC)
    tool = make_tool(stars=1300, metrics_as_of=as_of)
    for n in range(8):  # +10 a day for a week, then +230 on the last day
        make_snapshot(tool, END - timedelta(days=8 - n), stars=1000 + 10 * n)
    make_snapshot(tool, END, stars=1300)

    recompute_rankings()

    tool.refresh_from_db()
    # Typical day +10 → the last day counts 30: 6 × 10 + 30 = 90, not 6 × 10 + 230 = 290.
    assert tool.stars_gained_7d == 90


def daily_tool(increments: list[int], *, start: int = 1000) -> Tool:
    """A tool refreshed every day: one snapshot a day, ending on END with these gains."""
    values = [start]
    for increment in increments:
        values.append(values[-1] + increment)
    as_of = datetime(END.year, END.month, END.day, tzinfo=UTC)
    tool = make_tool(stars=values[-1], contributors=20, pushed_at=as_of, metrics_as_of=as_of)
    for n, stars in enumerate(values):
        make_snapshot(tool, END - timedelta(days=len(values) - 1 - n), stars=stars)
    return tool


def test_a_surge_over_several_days_of_daily_snapshots_is_saved_and_trends_in_full():
    week = daily_tool([10] * 4 + [1000] * 3)  # a launch: three days of +1000 after +10 a day
    month = daily_tool([20] * 20 + [400] * 10)  # ten days of +400 after +20 a day

    recompute_rankings()

    week.refresh_from_db()
    month.refresh_from_db()
    # Bursts longer than two days are growth, not spikes: counted in full, not capped at
    # 3 × the typical day (which would save 40 + 90 = 130 and 400 + 600 = 1000).
    assert week.stars_gained_7d == 4 * 10 + 3 * 1000 == 3040
    assert month.stars_gained_30d == 20 * 20 + 10 * 400 == 4400
    assert month.stars_gained_7d == 7 * 400
    # Trending and the score's momentum read the same figures.
    assert [(row.tool.id, row.gain) for row in trending(window="7d")] == [
        (week.id, 3040),
        (month.id, 2800),
    ]
    parts = {c.name: c for c in tool_score_breakdown(month).components}
    assert parts["momentum"].raw_value == pytest.approx(4400)


def test_a_two_day_spike_is_still_damped_in_the_saved_gains():
    tool = daily_tool([10] * 5 + [3000] * 2)  # two days of +3000 after +10 a day

    recompute_rankings()

    tool.refresh_from_db()
    # Typical day +10 → each spike day counts 30: 5 × 10 + 2 × 30 = 110, not 6050.
    assert tool.stars_gained_7d == 110
    assert [row.gain for row in trending(window="7d")] == [110]


def test_recompute_of_no_or_unknown_tools_changes_nothing():
    tool = measured_tool(stars=1200, gained_30d=200)

    assert recompute_rankings(tool_ids=[]) == 0
    assert recompute_rankings(tool_ids=[tool.pk + 1000]) == 0

    tool.refresh_from_db()
    assert tool.score is None
    assert tool.rankings_computed_at is None


def _queries_to_recompute(count: int) -> int:
    """Queries to recompute ``count`` tools of each kind: measured, sparse, unmeasured."""
    category = make_category()
    for n in range(count):
        measured_tool(stars=1000 + n, gained_30d=n, category=category)
        sparse_tool(stars=2000 + n, category=category)
        make_tool(category=category)
    with CaptureQueriesContext(connection) as queries:
        assert recompute_rankings() == 3 * count
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_tools():
    few = _queries_to_recompute(3)
    Tool.objects.all().delete()
    many = _queries_to_recompute(30)

    assert many == few


def test_breakdown_of_a_tool_adds_up_to_its_saved_score():
    tool = measured_tool(stars=4000, gained_30d=250)
    recompute_rankings()
    tool.refresh_from_db()

    breakdown = tool_score_breakdown(tool)

    assert breakdown.version == SCORE_VERSION
    assert breakdown.score == pytest.approx(tool.score)
    assert sum(c.contribution for c in breakdown.components) == pytest.approx(tool.score)
    assert breakdown.window_end == END


def test_hiding_a_tool_closes_the_gap_in_its_category_ranks():
    category = make_category()
    first = measured_tool(stars=50_000, gained_30d=2000, category=category)
    second = measured_tool(stars=5_000, gained_30d=200, category=category)
    third = measured_tool(stars=500, gained_30d=20, category=category)
    recompute_rankings()

    Tool.objects.filter(pk=first.pk).update(hidden=True)
    changed = recompute_ranks(layer_ids=[category.layer_id])

    assert changed == 3
    assert [Tool.objects.get(pk=t.pk).rank_in_category for t in (first, second, third)] == [
        None,
        1,
        2,
    ]


def test_ranks_that_did_not_change_are_not_written_again():
    measured_tool(stars=50_000, gained_30d=2000)
    recompute_rankings()

    with CaptureQueriesContext(connection) as queries:
        assert recompute_ranks() == 0

    assert not [q for q in queries if q["sql"].startswith("UPDATE")]


def test_a_snapshot_without_stars_is_not_read_as_zero():
    tool = measured_tool(stars=1200, gained_30d=200)
    make_snapshot(tool, END - timedelta(days=15), stars=None, forks=40)

    recompute_rankings()

    tool.refresh_from_db()
    assert tool.stars_gained_30d == 200  # not 1200 − 0 from the NULL day
    assert tool.growth_30d == pytest.approx(20.0)


def test_the_command_recomputes_every_tool_with_the_current_formula():
    tool = measured_tool(stars=1200, gained_30d=200)
    Tool.objects.filter(pk=tool.pk).update(score=1.0, score_version="2000.01-1")
    output = io.StringIO()

    call_command("recompute_rankings", stdout=output)

    tool.refresh_from_db()
    assert tool.score_version == SCORE_VERSION
    assert tool.score > 1.0
    assert f"Rankings recomputed for 1 tools (score formula {SCORE_VERSION})" in output.getvalue()


def test_the_command_names_an_unknown_tool_and_changes_nothing():
    tool = measured_tool(stars=1200, gained_30d=200)

    with pytest.raises(CommandError, match="--tool nobody/nothing: no such tool"):
        call_command("recompute_rankings", "--tool", tool.full_name, "--tool", "nobody/nothing")

    tool.refresh_from_db()
    assert tool.rankings_computed_at is None
