"""The star-history pass: daily counts back to creation, anchored on the observed total, never
over an observed day, never fetched twice; rankings follow."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from catalog.models import MetricSnapshot, RefreshRun, Tool
from tests.factories import make_snapshot, make_tool
from tests.fakegithub.star_history import synthesised
from tests.workers.refresh_helpers import make_client
from workers import tasks
from workers.refresh.history import (
    daily_counts,
    history_due,
    refresh_history_batch,
    refresh_history_enqueue_due,
)

HISTORY = MetricSnapshot.STAR_HISTORY_SOURCE
D = date(2026, 3, 10)


def day(n: int) -> date:
    return D + timedelta(days=n)


def test_counts_run_back_from_the_anchor_subtracting_what_was_added_since():
    additions = {day(0): 5, day(1): 3, day(3): 2, day(5): 4}

    counts = daily_counts(additions, anchor_day=day(3), anchor_stars=100, first=day(0), last=day(5))

    # day 3 is the anchor (100); day 2 = 100 - 2 (added on day 3); day 0 = 98 - 3 (day 1);
    # after the anchor the additions are added: day 4 = 100, day 5 = 104.
    assert counts == [
        (day(0), 95), (day(1), 98), (day(2), 98), (day(3), 100), (day(4), 100), (day(5), 104),
    ]  # fmt: skip


def test_counts_never_go_below_zero_when_stars_vanished_after_the_anchor():
    counts = daily_counts(
        {day(1): 50}, anchor_day=day(2), anchor_stars=20, first=day(0), last=day(2)
    )

    assert counts == [(day(0), 0), (day(1), 20), (day(2), 20)]


def _tool_on_fake(github, name: str, *, stars: int, age_days: int, **values) -> Tool:
    now = timezone.now()
    repo = github.add_repo(name, stars=stars, created_at=now - timedelta(days=age_days), **values)
    return make_tool(
        name,
        stars=stars,
        metrics_as_of=now,
        repo_created_at=repo.created_at,
        github_id=repo.database_id,
    )


def _history(tool: Tool) -> list[tuple[date, int | None, str]]:
    return list(tool.snapshots.order_by("date").values_list("date", "stars", "source"))


@pytest.mark.django_db
def test_one_pass_reaches_back_to_creation_and_ends_on_the_observed_total(github):
    tool = _tool_on_fake(github, "acme/rocket", stars=5000, age_days=400)
    today = timezone.now().date()

    outcome = refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    rows = _history(tool)
    assert rows[0][0] == tool.repo_created_at.date()
    assert rows[-1][:2] == (today, 5000)
    assert len(rows) == 401  # every day, none skipped
    assert {source for _, _, source in rows} == {HISTORY}
    stars = [s for _, s, _ in rows]
    assert stars == sorted(stars)  # the fake adds stars only
    added = github.repo("acme/rocket")
    assert outcome.tally.ok == 1
    assert outcome.tally.requests == 2  # 58 weeks: two pages
    assert sum(r.cost for r in github.rest_requests) == 2
    assert added.stars == 5000
    run = RefreshRun.objects.get(kind=RefreshRun.Kind.STAR_HISTORY)
    assert (run.tools_ok, run.github_requests) == (1, 2)


@pytest.mark.django_db
def test_a_day_a_refresh_observed_is_kept_as_observed(github):
    tool = _tool_on_fake(github, "acme/rocket", stars=800, age_days=60)
    observed_day = timezone.now().date() - timedelta(days=20)
    make_snapshot(tool, observed_day, stars=777, forks=9, source="github-graphql")

    refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    kept = MetricSnapshot.objects.get(tool=tool, date=observed_day)
    assert (kept.stars, kept.forks, kept.source) == (777, 9, "github-graphql")
    assert MetricSnapshot.objects.filter(tool=tool, source=HISTORY).count() == 60


@pytest.mark.django_db
def test_the_next_pass_sends_the_etag_and_an_unchanged_history_costs_nothing(github):
    tool = _tool_on_fake(github, "acme/rocket", stars=300, age_days=100)
    refresh_history_batch(tool_ids=[tool.pk], client=make_client())
    before = _history(tool)
    remaining = github.budget("test-token", "core").remaining

    outcome = refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    assert outcome.tally.not_modified == 1
    assert github.rest_requests[-1].status == 304
    assert github.rest_requests[-1].path.endswith("per_page=30")  # the first page only
    assert github.budget("test-token", "core").remaining == remaining
    assert _history(tool) == before


@pytest.mark.django_db
def test_a_weekly_pass_reads_only_the_recent_weeks_and_updates_them(github):
    tool = _tool_on_fake(github, "acme/old", stars=20000, age_days=1500)  # 215 weeks: 8 pages
    refresh_history_batch(tool_ids=[tool.pk], client=make_client())
    assert len(github.rest_requests) == 8
    today = timezone.now().date()
    # Four more stars today: GitHub's history and our latest observation both say so.
    added = dict(github.repo("acme/old").star_history or {})
    if not added:
        added = synthesised(github.repo("acme/old"), today)
    added[today] = added.get(today, 0) + 4
    github.update("acme/old", stars=20004, star_history=added)
    Tool.objects.filter(pk=tool.pk).update(stars=20004)

    refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    assert len(github.rest_requests) == 9  # one more page, not eight
    assert MetricSnapshot.objects.get(tool=tool, date=today).stars == 20004
    first = MetricSnapshot.objects.filter(tool=tool).earliest("date")
    assert first.date == tool.repo_created_at.date()


@pytest.mark.django_db
def test_rankings_follow_the_new_days(github):
    tool = _tool_on_fake(github, "acme/rocket", stars=3000, age_days=200)
    assert tool.stars_gained_30d is None

    refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    tool.refresh_from_db()
    rows = dict((d, s) for d, s, _ in _history(tool))
    today = timezone.now().date()
    assert tool.stars_gained_30d is not None
    assert tool.stars_gained_30d <= rows[today] - rows[today - timedelta(days=30)]
    assert tool.score is not None


@pytest.mark.django_db
def test_tools_without_history_are_due_first_then_weekly(github):
    now = timezone.now()
    never = make_tool("acme/never")
    fresh = make_tool("acme/fresh", star_history_synced_at=now - timedelta(days=1))
    stale = make_tool("acme/stale", star_history_synced_at=now - timedelta(days=8))

    due = history_due(now=now, max_age=timedelta(days=7))

    assert due == [never.pk, stale.pk]
    assert fresh.pk not in due


@pytest.mark.django_db
def test_a_missing_repository_is_counted_and_said_on_the_run(github):
    tool = _tool_on_fake(github, "acme/gone", stars=10, age_days=30)
    github.delete("acme/gone")

    outcome = refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    assert outcome.tally.missing == 1
    run = RefreshRun.objects.get(kind=RefreshRun.Kind.STAR_HISTORY)
    assert "acme/gone: star history: repository missing" in run.error_summary
    assert not tool.snapshots.exists()


@pytest.mark.django_db
def test_the_task_backfills_every_due_tool(github, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    tools = [_tool_on_fake(github, f"acme/t{i}", stars=100 + i, age_days=30 + i) for i in range(3)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks, "_enqueue_on_commit", lambda task, **kw: task.apply(kwargs=kw))
        queued = tasks.refresh_star_history()

    assert queued == 3
    for tool in tools:
        tool.refresh_from_db()
        assert tool.star_history_synced_at is not None
        assert tool.snapshots.earliest("date").date == tool.repo_created_at.date()


@pytest.mark.django_db
def test_without_a_token_the_pass_is_skipped_and_says_why(github, settings):
    settings.GITHUB_TOKENS = []
    make_tool("acme/rocket")

    assert refresh_history_enqueue_due() == []
    run = RefreshRun.objects.get(kind=RefreshRun.Kind.STAR_HISTORY)
    assert "GITHUB_TOKENS is not set" in run.error_summary


@pytest.mark.django_db
def test_a_ranking_failure_after_the_write_keeps_the_history_and_the_runs_counts(
    github, monkeypatch
):
    from django.db import OperationalError

    tool = _tool_on_fake(github, "acme/sturdy", stars=800, age_days=120)

    def fails(**_kwargs):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr("workers.refresh.pipeline.recompute_derived", fails)

    outcome = refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    run = RefreshRun.objects.get(pk=outcome.run.pk)
    assert run.status == RefreshRun.Status.FINISHED
    assert run.tools_ok == 1
    assert "rankings not recomputed" in run.error_summary
    assert any(source == HISTORY for _, _, source in _history(tool))


@pytest.mark.django_db
def test_a_rename_the_history_endpoint_reports_is_recorded_like_a_metrics_refresh_does(github):
    from catalog.models import FormerName

    tool = _tool_on_fake(github, "acme/old-name", stars=400, age_days=90)
    github.rename("acme/old-name", "acme/new-name")  # REST 301s the old name to the repo's id

    outcome = refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    tool.refresh_from_db()
    assert tool.full_name == "acme/new-name"
    assert list(FormerName.objects.filter(tool=tool).values_list("full_name", flat=True)) == [
        "acme/old-name"
    ]
    assert Tool.objects.by_name("acme/old-name") == (tool, False)  # the old name still finds it
    assert "new-name" in tool.search_document
    assert github.rest_requests[0].status == 301
    assert _history(tool)[-1][:2] == (timezone.now().date(), 400)  # the history is stored too
    run = RefreshRun.objects.get(pk=outcome.run.pk)
    assert (run.tools_ok, run.tools_renamed) == (1, 1)


@pytest.mark.django_db
def test_a_rename_onto_a_name_another_tool_holds_is_said_on_the_run_not_applied(github):
    tool = _tool_on_fake(github, "acme/old-name", stars=400, age_days=90)
    other = make_tool("acme/new-name")
    github.rename("acme/old-name", "acme/new-name")

    outcome = refresh_history_batch(tool_ids=[tool.pk], client=make_client())

    tool.refresh_from_db()
    other.refresh_from_db()
    assert (tool.full_name, other.full_name) == ("acme/old-name", "acme/new-name")
    run = RefreshRun.objects.get(pk=outcome.run.pk)
    assert run.tools_renamed == 0
    assert f"a name tool #{other.pk} holds" in run.error_summary


def _core_points_charged(github) -> int:
    return sum(r.cost for r in github.rest_requests)


@pytest.mark.django_db
def test_the_run_records_the_rate_limit_points_github_charged_and_a_304_costs_none(github):
    tool = _tool_on_fake(github, "acme/rocket", stars=5000, age_days=400)  # two pages

    first = refresh_history_batch(tool_ids=[tool.pk], client=make_client())
    again = refresh_history_batch(tool_ids=[tool.pk], client=make_client())  # one 304

    runs = RefreshRun.objects.filter(kind=RefreshRun.Kind.STAR_HISTORY)
    assert (
        runs.get(pk=first.run.pk).github_requests,
        runs.get(pk=first.run.pk).rate_limit_points,
    ) == (2, 2)
    assert (
        runs.get(pk=again.run.pk).github_requests,
        runs.get(pk=again.run.pk).rate_limit_points,
    ) == (1, 0)
    assert _core_points_charged(github) == 2  # what the fake GitHub charged, in all


@pytest.mark.django_db
def test_a_budget_spent_in_the_middle_of_a_backfill_still_counts_the_pages_read(github):
    tools = [_tool_on_fake(github, f"acme/t{i}", stars=5000, age_days=400) for i in range(2)]
    github.set_budget(3, token="test-token", resource="core")  # the second tool's 2nd page

    outcome = refresh_history_batch(tool_ids=[t.pk for t in tools], client=make_client(reserve=0))

    run = RefreshRun.objects.get(pk=outcome.run.pk)
    assert outcome.deferred_ids == [tools[1].pk]
    # Pages 1-2 of the first tool and page 1 of the second were read and charged; then the
    # budget read 0 and nothing more was asked. The cut-short tool's page counts too.
    assert (run.github_requests, run.rate_limit_points) == (3, 3)
    assert _core_points_charged(github) == 3
