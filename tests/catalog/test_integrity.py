"""Star-integrity evidence on synthetic series: an organic launch, a steady grower, a bought
burst that later disappears, and a lockstep campaign across three tools."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from catalog import integrity as i
from catalog.integrity import Observation

DAY0 = date(2025, 1, 1)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def cumulative(per_day: list[int]) -> list[tuple[date, int]]:
    """Daily counts from stars added per day (day 0 is creation)."""
    total, series = 0, []
    for n, added in enumerate(per_day):
        total += added
        series.append((day(n), total))
    return series


def organic_launch() -> list[int]:
    # A launch: 150 a day for two weeks, 20 a day for the two months after, then 10 a day.
    return [150] * 14 + [20] * 60 + [10] * 126


def steady_grower() -> list[int]:
    return [10] * 700


def bought_burst(with_burst: bool) -> list[int]:
    # 3 a day; 800 a day on days 100-104 while the bought stars still exist.
    per_day = [3] * 300
    if with_burst:
        for n in range(100, 105):
            per_day[n] += 800
    return per_day


def signals_of(per_day: list[int], observed: list[Observation] | None = None) -> list[i.Signal]:
    series = cumulative(per_day)
    additions = i.daily_additions(series)
    return [i.burst(additions), i.vanished(series, observed or [])]


def test_an_organic_launch_is_not_flagged():
    signals = signals_of(organic_launch())

    burst = signals[0]
    assert burst.evidence["start"] == day(1).isoformat()  # day 0 is the first count, no gain
    assert burst.evidence["stars"] == 13 * 150 + 20  # days 1-14
    assert burst.evidence["next_60_days"] == 59 * 20 + 10
    assert burst.above is False  # the launch kept bringing stars
    assert i.review_status(signals) == ""


def test_a_steady_grower_is_not_flagged():
    signals = signals_of(steady_grower())

    assert signals[0].evidence["share"] == round(140 / 6990, 3)
    assert i.review_status(signals) == ""


def test_a_bought_burst_is_flagged_while_github_still_counts_it():
    [burst, _] = signals_of(bought_burst(with_burst=True))

    assert burst.above is True
    assert burst.evidence["stars"] == 5 * 803 + 9 * 3  # days 100-113
    assert burst.evidence["next_60_days"] == 60 * 3
    assert burst.evidence["share"] == round((5 * 803 + 9 * 3) / (299 * 3 + 4000), 3)


def test_a_bought_burst_that_github_deleted_shows_as_vanished_stars():
    # GitHub deleted the bought stars: the history no longer has the burst, but the totals
    # our refreshes observed on days 105-190 still included the 4,000.
    # (day n's history count is 3 * (n + 1): day 0 counts its own 3)
    observed = [Observation(day(n), 3 * (n + 1) + 4000) for n in range(105, 200, 7)]
    observed += [Observation(day(250), 3 * 251)]  # after the deletion: honest again

    signals = signals_of(bought_burst(with_burst=False), observed)

    burst, gone = signals
    assert burst.above is False  # nothing left in the history to see
    assert gone.above is True
    assert gone.evidence["stars"] == 4000
    assert gone.evidence["day"] == day(105).isoformat()  # the first (largest share) day
    assert i.review_status(signals) == i.NEEDS_REVIEW


def test_a_few_ordinary_unstars_are_not_vanished_stars():
    observed = [Observation(day(300), 10 * 301 + 30)]  # 30 more than the history: 1%

    [_, gone] = signals_of(steady_grower(), observed)

    assert (gone.above, gone.evidence["stars"]) == (False, 30)


def campaign_tool(extra_spike: int | None = None, *, campaign: bool = True) -> dict[date, int]:
    per_day = [5] * 200
    if campaign:
        for n in (50, 57, 64, 71):
            per_day[n] += 300
    if extra_spike is not None:
        per_day[extra_spike] += 300
    return i.daily_additions(cumulative(per_day))


def test_a_lockstep_campaign_across_three_tools_flags_all_three_and_not_a_bystander():
    spikes = {
        1: i.spike_days(campaign_tool()),
        2: i.spike_days(campaign_tool()),
        3: i.spike_days(campaign_tool()),
        4: i.spike_days(campaign_tool(extra_spike=50, campaign=False)),  # one launch day, same day
    }

    signals = i.lockstep(spikes)

    assert spikes[1] == {day(50), day(57), day(64), day(71)}
    for tool_id, partners in ((1, [2, 3]), (2, [1, 3]), (3, [1, 2])):
        assert signals[tool_id].above is True
        assert signals[tool_id].evidence["partners"] == partners
    assert signals[1].evidence["days"] == [day(n).isoformat() for n in (50, 57, 64, 71)]
    assert signals[4].above is False
    assert signals[4].evidence["partners"] == []


def test_two_tools_in_lockstep_are_below_the_threshold():
    signals = i.lockstep({1: i.spike_days(campaign_tool()), 2: i.spike_days(campaign_tool())})

    assert signals[1].above is False
    assert signals[1].evidence["partners"] == [2]


def engagement(stars: tuple[int, int], forks: tuple[int, int], watchers: tuple[int, int]):
    observed = [
        Observation(day(0), stars[0], forks=forks[0], watchers=watchers[0]),
        Observation(day(80), stars[1], forks=forks[1], watchers=watchers[1]),
    ]
    return i.engagement_per_star(observed, end=day(85))


def test_stars_rising_while_forks_and_watchers_stay_flat_against_the_category():
    peers = [engagement((1000, 2000), (100, 200), (50, 70)) for _ in range(5)]
    medians = i.category_medians(peers)
    suspicious = engagement((1000, 3000), (100, 102), (50, 51))

    signal = i.flat_engagement(suspicious, medians)

    assert medians == {"forks": 0.1, "watchers": 0.02}
    assert signal.above is True
    assert signal.evidence["per_star"] == {"forks": 0.001, "watchers": 0.0005}
    assert i.flat_engagement(peers[0], medians).above is False


def test_engagement_is_not_judged_on_few_stars_or_one_metric():
    medians = {"forks": 0.1, "watchers": 0.02}

    few = i.flat_engagement(engagement((1000, 1100), (100, 100), (50, 50)), medians)
    one_metric = i.flat_engagement({"_stars": 5000.0, "forks": 0.0}, medians)

    assert (few.above, one_metric.above) == (False, False)


# --- stored on the tool, shown on its page and in the API, cleared by a curator -----------------

HISTORY = "github-star-history"


def _store(tool, per_day: list[int], observed: dict[int, int] | None = None) -> None:
    """Reconstructed daily counts from ``per_day``; ``observed`` day → total a refresh saw."""
    from catalog.models import MetricSnapshot

    observed = observed or {}
    MetricSnapshot.objects.bulk_create(
        MetricSnapshot(
            tool=tool,
            date=d,
            stars=observed.get(n, stars),
            source="graphql" if n in observed else HISTORY,
        )
        for n, (d, stars) in enumerate(cumulative(per_day))
    )


def _campaign_days() -> list[int]:
    per_day = [5] * 200
    for n in (50, 57, 64, 71):
        per_day[n] += 300
    return per_day


@pytest.fixture
def flagged_catalog(db):
    from tests.factories import make_category, make_tool

    category = make_category()
    tools = {}
    for n in range(3):
        tools[f"campaign{n}"] = make_tool(f"ring/tool{n}", category=category)
        _store(tools[f"campaign{n}"], _campaign_days())
    tools["steady"] = make_tool("honest/steady", category=category)
    _store(tools["steady"], steady_grower())
    tools["launch"] = make_tool("honest/launch", category=category)
    _store(tools["launch"], organic_launch())
    tools["deleted"] = make_tool("bought/gone", category=category)
    # Our refreshes saw the 4,000 bought stars on days 105-190; GitHub's history no longer does.
    seen = {n: 3 * (n + 1) + 4000 for n in range(105, 200, 7)}
    _store(tools["deleted"], bought_burst(with_burst=False), observed=seen)
    return tools


def test_the_recompute_marks_only_the_tools_above_a_threshold(flagged_catalog):
    from catalog.services.integrity import integrity_recompute

    changed = integrity_recompute()

    status = {}
    for name, tool in flagged_catalog.items():
        tool.refresh_from_db()
        status[name] = (tool.integrity_status, tool.integrity_signals["above"])
    assert status == {
        "campaign0": ("needs-review", ["lockstep"]),
        "campaign1": ("needs-review", ["lockstep"]),
        "campaign2": ("needs-review", ["lockstep"]),
        "steady": ("", []),
        "launch": ("", []),
        "deleted": ("needs-review", ["vanished"]),
    }
    assert changed == 6  # every tool got its evidence ...
    assert integrity_recompute() == 0  # ... and nothing changes when nothing new arrived
    # The same pass labels the lifecycle (catalog/lifecycle.py): 10 a day, every day.
    assert flagged_catalog["steady"].lifecycle == "steady"
    gone = flagged_catalog["deleted"].integrity_signals["signals"]["vanished"]
    assert (gone["stars"], gone["above"]) == (4000, True)


def test_the_tool_page_and_the_api_show_the_evidence_not_a_verdict(client, flagged_catalog):
    from catalog.services.integrity import integrity_recompute

    integrity_recompute()
    tool = flagged_catalog["deleted"]

    page = client.get(tool.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/tools/{tool.full_name}/").json()
    honest = client.get(flagged_catalog["steady"].get_absolute_url()).content.decode()

    assert "<strong>Needs review</strong>" in page
    assert "not a finding about anyone" in page
    assert "GitHub&#x27;s history now counts 4000 fewer for that day" in page
    assert "Needs review" not in honest
    assert api["integrity"]["status"] == "needs-review"
    assert api["integrity"]["signals"]["above"] == ["vanished"]
    assert api["integrity"]["signals"]["signals"]["burst"]["above"] is False


def test_a_curator_clears_a_review_with_a_note_kept_in_the_admin_log(admin_client, flagged_catalog):
    from catalog.services.integrity import integrity_recompute
    from tests.catalog.admin.helpers import logged, post_action

    integrity_recompute()
    tool = flagged_catalog["campaign0"]

    refused = post_action(admin_client, "clear_integrity_review", [tool], apply="Clear", note=" ")
    assert refused.status_code == 200  # the form again: a note is required
    tool.refresh_from_db()
    assert tool.integrity_status == "needs-review"

    response = post_action(
        admin_client, "clear_integrity_review", [tool], apply="Clear",
        note="Three repos of one org, launched together at a conference.",
    )  # fmt: skip

    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.integrity_status == "cleared"
    assert tool.integrity_note == "Three repos of one org, launched together at a conference."
    assert logged(tool) == [
        "Star-integrity review cleared: Three repos of one org, launched together at a conference."
    ]
    # The next recompute keeps it cleared while the evidence is the same.
    integrity_recompute()
    tool.refresh_from_db()
    assert tool.integrity_status == "cleared"


# --- score formula 2026.12-2: a burst needing review is left out until a curator clears it ------


def test_a_flagged_burst_is_left_out_of_the_stored_gain_and_score_until_cleared(client, db):
    from datetime import UTC, datetime

    from catalog.ranking.writer import recompute_rankings
    from catalog.services.integrity import integrity_recompute, tools_clear_integrity_review
    from tests.factories import make_tool

    # 3 a day for 200 days, and 4,000 bought stars on days 120-124 that nothing followed.
    per_day = [3] * 200
    for n in range(120, 125):
        per_day[n] += 800
    last = datetime.combine(day(199), datetime.min.time(), tzinfo=UTC)
    tool = make_tool("bought/burst", stars=4600, contributors=40, metrics_as_of=last)
    _store(tool, per_day)
    recompute_rankings()
    tool.refresh_from_db()
    counted = (tool.stars_gained_90d, tool.score)
    assert tool.stars_gained_90d == 90 * 3 + 4000

    integrity_recompute()  # flags the burst, and the rankings follow

    tool.refresh_from_db()
    assert (tool.integrity_status, tool.integrity_signals["above"]) == ("needs-review", ["burst"])
    assert tool.stars_gained_90d == 90 * 3  # inside the burst only its after-pace counts
    assert tool.stars_gained_30d == 30 * 3
    assert (tool.score or 0) < (counted[1] or 0)
    assert tool.score_version == "2026.12-2"
    api = client.get("/api/v1/tools/bought/burst/").json()
    breakdown = api["score_breakdown"]
    stars = next(c for c in breakdown["components"] if c["name"] == "stars")
    assert stars["raw_value"] == 600  # 4,600 stars, 4,000 of them left out
    assert "4,000 stars of a burst from 22 Apr 2025 that needs review left out" in stars["note"]
    assert sum(c["contribution"] for c in breakdown["components"]) == pytest.approx(
        breakdown["score"]
    )
    assert breakdown["score"] == pytest.approx(tool.score)
    page = client.get(tool.get_absolute_url()).content.decode()
    assert "trending and the score leave out 4,000 of them" in page

    tools_clear_integrity_review(tools=[tool], note="A keynote demo; the stars are real.")

    tool.refresh_from_db()
    assert (tool.stars_gained_90d, tool.score) == counted


def test_a_burst_flagged_before_the_formula_change_is_rescored_by_the_next_daily_pass(db):
    from datetime import UTC, datetime

    from catalog.models import Tool
    from catalog.services.integrity import integrity_recompute
    from tests.factories import make_tool

    per_day = [3] * 200
    for n in range(120, 125):
        per_day[n] += 800
    last = datetime.combine(day(199), datetime.min.time(), tzinfo=UTC)
    tool = make_tool("bought/early", stars=4600, contributors=40, metrics_as_of=last)
    _store(tool, per_day)
    integrity_recompute()  # flagged, and scored with the discount
    tool.refresh_from_db()
    discounted = (tool.stars_gained_90d, tool.score)
    # As stored by formula 2026.12-1, which counted the burst in full.
    Tool.objects.filter(pk=tool.pk).update(score_version="2026.12-1", stars_gained_90d=4270)

    assert integrity_recompute() == 0  # the evidence itself did not change ...

    tool.refresh_from_db()  # ... but the old score was redone under the current formula
    assert (tool.stars_gained_90d, tool.score, tool.score_version) == (
        *discounted,
        "2026.12-2",
    )
