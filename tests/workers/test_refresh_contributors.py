"""The weekly contributor counts over REST: ETags (a 304 keeps the stored value and costs no
rate limit), 202 while GitHub computes, 403 "too large", and a 301 for a renamed repository."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import FormerName, MetricSnapshot, RefreshRun, Tool
from tests.workers.refresh_helpers import (
    STORED,
    Ledger,
    assert_run,
    make_client,
    seed,
)
from workers.refresh.contributors import (
    contributors_due,
    refresh_contributors_batch,
    refresh_contributors_enqueue_due,
)

pytestmark = pytest.mark.django_db


def refresh(tools, **client_options):
    client = make_client(**client_options)
    return refresh_contributors_batch(tool_ids=[tool.pk for tool in tools], client=client)


def contributor_requests(fake) -> list:
    return [r for r in fake.rest_requests if "/contributors" in r.path]


def test_the_count_comes_from_the_last_page_and_lands_in_todays_snapshot(github):
    tools = seed(github, 2, contributors=321)
    ledger = Ledger()

    outcome = refresh(tools)

    tool = Tool.objects.get(pk=tools[0].pk)
    assert (tool.contributors, tool.contributors_is_lower_bound) == (321, False)
    assert tool.contributors_etag
    assert tool.contributors_refreshed_at is not None
    assert MetricSnapshot.objects.get(tool=tool, date=timezone.now().date()).contributors == 321
    assert "per_page=1" in contributor_requests(github)[0].path
    assert_run(outcome.run, ok=2)
    assert outcome.run.kind == "contributors"
    assert outcome.run.github_requests == 2
    ledger.assert_nothing_lost()


def test_a_304_keeps_the_stored_value_and_costs_no_rate_limit(github):
    [tool] = seed(github, 1, contributors=321)
    refresh([tool])
    core = github.budget("test-token", "core").remaining

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert tool.contributors == 321
    assert contributor_requests(github)[-1].status == 304
    assert github.budget("test-token", "core").remaining == core
    assert_run(outcome.run, not_modified=1)
    Ledger().assert_nothing_lost()


def test_a_202_while_github_computes_is_deferred_and_keeps_the_stored_value(github):
    [tool] = seed(github, 1, contributors_state="computing")
    ledger = Ledger()

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert tool.contributors == STORED["contributors"]
    assert tool.contributors_refreshed_at is None  # still due: asked again later
    assert outcome.deferred_ids == [tool.pk]
    assert outcome.retry_after == 120
    assert len(contributor_requests(github)) == 1  # no busy loop
    assert_run(outcome.run, status="deferred", deferred=1)
    ledger.assert_nothing_lost()

    github.update("org/tool-0", contributors_state="ok", contributors=40)
    assert_run(refresh([tool]).run, ok=1)
    assert Tool.objects.get(pk=tool.pk).contributors == 40


def test_403_too_large_stores_githubs_listing_cap_as_a_lower_bound(github):
    [tool] = seed(github, 1, contributors_state="too_large")
    never_counted = seed(github, 1, owner="big", contributors_state="too_large")[0]
    Tool.objects.filter(pk=never_counted.pk).update(contributors=None)
    ledger = Ledger()

    outcome = refresh([tool, never_counted])

    for each in (tool, never_counted):
        each.refresh_from_db()
        assert (each.contributors, each.contributors_is_lower_bound) == (500, True)
        assert MetricSnapshot.objects.get(tool=each, date=timezone.now().date()).contributors == 500
    assert_run(outcome.run, ok=2)
    ledger.assert_nothing_lost()


def test_403_too_large_keeps_a_stored_count_above_the_cap(github):
    [tool] = seed(github, 1, contributors_state="too_large")
    Tool.objects.filter(pk=tool.pk).update(contributors=1234)

    refresh([tool])

    tool.refresh_from_db()
    assert (tool.contributors, tool.contributors_is_lower_bound) == (1234, True)


def test_a_301_on_the_contributors_path_renames_the_tool(github):
    [tool] = seed(github, 1, contributors=55)
    github.rename("org/tool-0", "new-org/rocket")
    ledger = Ledger()

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert (tool.full_name, tool.contributors) == ("new-org/rocket", 55)
    assert list(FormerName.objects.values_list("full_name", flat=True)) == ["org/tool-0"]
    assert tool.snapshots.count() == 2
    assert_run(outcome.run, ok=1, renamed=1)
    ledger.assert_nothing_lost()


def test_a_deleted_repo_counts_as_missing_and_keeps_its_count(github):
    tools = seed(github, 2)
    github.delete("org/tool-0")
    ledger = Ledger()

    outcome = refresh(tools)

    assert Tool.objects.get(pk=tools[0].pk).contributors == STORED["contributors"]
    assert_run(outcome.run, ok=1, missing=1)
    ledger.assert_nothing_lost()


def test_budget_spent_defers_the_rest_to_the_reset(github):
    tools = seed(github, 3)
    github.set_budget(1, token="test-token", resource="core")
    ledger = Ledger()

    outcome = refresh(tools, reserve=0)

    assert outcome.deferred_ids == [tools[1].pk, tools[2].pk]
    assert outcome.retry_at is not None
    assert_run(outcome.run, status="deferred", ok=1, deferred=2)
    ledger.assert_nothing_lost()


def test_due_counts_are_a_week_old_and_only_for_repos_that_exist(github):
    now = timezone.now()
    tools = seed(github, 3)
    Tool.objects.filter(pk=tools[0].pk).update(contributors_refreshed_at=now - timedelta(days=1))
    Tool.objects.filter(pk=tools[1].pk).update(status="missing")

    assert contributors_due(now=now, max_age=timedelta(days=6)) == [tools[2].pk]
    [(_run_id, ids)] = refresh_contributors_enqueue_due(max_age_days=6)
    assert ids == [tools[2].pk]
    assert refresh_contributors_enqueue_due(max_age_days=6) == []  # claimed for that run


def test_without_a_token_the_contributors_pass_is_skipped_and_a_run_says_why(
    github, settings, caplog
):
    seed(github, 2)
    settings.GITHUB_TOKENS = []

    assert refresh_contributors_enqueue_due(max_age_days=6) == []

    run = RefreshRun.objects.get(kind="contributors")
    assert (run.status, run.tools_total) == ("finished", 0)
    assert "GITHUB_TOKENS is not set" in run.error_summary
    assert "contributor counts skipped" in caplog.text
    assert contributor_requests(github) == []
    assert not Tool.objects.filter(contributors_refreshed_at__isnull=False).exists()


def test_a_new_count_moves_the_score_and_marks_the_tool_changed_for_api_caches(github):
    from catalog.ranking.writer import recompute_rankings, tool_score_breakdown
    from tests.factories import make_snapshot

    [tool] = seed(github, 1, contributors=321)
    make_snapshot(tool, timezone.now().date() - timedelta(days=40), stars=10)
    recompute_rankings(tool_ids=[tool.pk])
    tool.refresh_from_db()
    score_before, changed_before = tool.score, tool.updated_at
    assert score_before is not None  # 7 contributors stored

    refresh([tool])

    tool.refresh_from_db()
    assert tool.contributors == 321
    assert tool.updated_at > changed_before  # the API's ETag/Last-Modified follow it
    assert tool.score > score_before  # more contributors, higher score, saved at once
    assert tool.score == tool_score_breakdown(tool).score  # the page's breakdown adds up


def test_the_run_records_the_rate_limit_points_a_count_cost_and_a_304_none(github):
    tools = seed(github, 2, contributors=321)

    first = refresh(tools)
    again = refresh(tools)  # both answered 304

    assert (first.run.github_requests, first.run.rate_limit_points) == (2, 2)
    assert (again.run.github_requests, again.run.rate_limit_points) == (2, 0)
    assert sum(r.cost for r in github.rest_requests) == 2
