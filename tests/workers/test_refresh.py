"""The metrics refresh against the fake GitHub: normal batches, renames, deletions, takedowns,
archives and the no-token path. Every scenario checks that nothing stored was lost, that each
tool has one snapshot per day, and that the RefreshRun counts what happened."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from catalog.models import FormerName, MetricSnapshot, RefreshRun, Tool, ToolStatus
from tests.factories import make_tool
from tests.workers.refresh_helpers import (
    STORED,
    Ledger,
    assert_run,
    make_client,
    seed,
)
from workers.locks import tools_claim
from workers.refresh import pipeline as refresh_module
from workers.refresh.pipeline import refresh_batch, refresh_enqueue_due, tools_due

pytestmark = pytest.mark.django_db


def refresh(tools, **options):
    return refresh_batch(tool_ids=[tool.pk for tool in tools], client=make_client(), **options)


def test_a_batch_is_one_graphql_query_that_refreshes_every_tool(github):
    tools = seed(github, 3)
    ledger = Ledger()

    outcome = refresh(tools)

    for index, tool in enumerate(tools):
        tool.refresh_from_db()
        assert tool.stars == 1000 + index
        assert (tool.forks, tool.commits_90d, tool.release_count) == (10, 42, 4)
        assert tool.github_id == github.repo(tool.full_name).database_id
        assert tool.github_node_id == github.repo(tool.full_name).node_id
        assert tool.last_refreshed_at is not None
        assert tool.consecutive_failures == 0
        assert tool.snapshots.get(date=timezone.now().date()).stars == 1000 + index
        assert tool.contributors == STORED["contributors"]  # the weekly pass owns this one
    assert len(github.graphql_requests) == 1
    assert_run(outcome.run, ok=3)
    assert outcome.run.github_requests == 1
    assert outcome.run.rate_limit_points == github.points_used
    assert outcome.run.rate_limit_remaining == github.budget("test-token").remaining
    assert outcome.run.rate_limit_reset_at is not None
    ledger.assert_nothing_lost()


def test_refreshing_again_the_same_day_keeps_one_snapshot_per_tool(github):
    tools = seed(github, 2)
    refresh(tools)
    github.update("org/tool-0", stars=5555)

    outcome = refresh(tools)

    today = timezone.now().date()
    assert MetricSnapshot.objects.filter(date=today).count() == 2
    assert MetricSnapshot.objects.get(tool=tools[0], date=today).stars == 5555
    assert RefreshRun.objects.count() == 2
    assert_run(outcome.run, ok=2)
    Ledger().assert_nothing_lost()


def test_known_tools_are_looked_up_by_node_id(github):
    tools = seed(github, 2, by_id=True)
    ledger = Ledger()

    outcome = refresh(tools)

    [query] = github.graphql_requests
    assert "nodes(ids:" in query.query
    assert set(query.variables["ids"]) == {tool.github_node_id for tool in tools}
    assert_run(outcome.run, ok=2)
    ledger.assert_nothing_lost()


@pytest.mark.parametrize("by_id", [True, False], ids=["by-node-id", "by-old-name"])
def test_a_renamed_repo_is_followed_and_keeps_its_history(github, by_id):
    [tool] = seed(github, 1, by_id=by_id)
    github.rename("org/tool-0", "new-org/rocket")
    ledger = Ledger()

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert tool.full_name == "new-org/rocket"
    assert list(FormerName.objects.values_list("full_name", flat=True)) == ["org/tool-0"]
    assert tool.snapshots.count() == 2  # yesterday's, under the old name, and today's
    assert Tool.objects.by_full_name("new-org/rocket").get() == tool
    assert_run(outcome.run, ok=1, renamed=1)
    ledger.assert_nothing_lost()


def test_a_rename_onto_another_tools_name_refreshes_without_crashing(github):
    [tool] = seed(github, 1)
    github.rename("org/tool-0", "org/taken")
    other = make_tool("org/taken", category=tool.category)

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert tool.full_name == "org/tool-0"
    assert tool.stars == 1000
    assert f"tool #{other.pk}" in tool.last_refresh_error
    assert_run(outcome.run, ok=1)
    assert "org/taken" in outcome.run.error_summary


def test_two_tools_for_one_repo_in_one_batch_refresh_one_and_flag_the_other(github):
    """Old and new name both listed, never refreshed: the batch completes, every run."""
    tools = seed(github, 1, owner="acme")
    github.rename("acme/tool-0", "acme/rocket")
    current = make_tool("acme/rocket", category=tools[0].category, **STORED)
    old_name = tools[0]
    ledger = Ledger()

    for _ in range(2):
        outcome = refresh([old_name, current])

        assert_run(outcome.run, ok=2)
        current.refresh_from_db()
        old_name.refresh_from_db()
        assert current.github_id == github.repo("acme/rocket").database_id
        assert (current.stars, current.last_refresh_error) == (1000, "")
        assert old_name.github_id is None
        assert old_name.full_name == "acme/tool-0"
        assert "same GitHub repository as acme/rocket" in old_name.last_refresh_error
        assert "duplicate for a curator to merge" in outcome.run.error_summary
        ledger.assert_nothing_lost()


def test_a_deleted_repo_is_marked_missing_and_keeps_its_numbers(github):
    tools = seed(github, 2)
    github.delete("org/tool-1")
    ledger = Ledger()

    outcome = refresh(tools)

    gone = Tool.objects.get(pk=tools[1].pk)
    assert gone.status == ToolStatus.MISSING
    assert gone.stars == STORED["stars"]
    assert (gone.consecutive_failures, gone.last_refreshed_at) == (1, None)
    assert "not found" in gone.last_refresh_error
    assert not gone.snapshots.filter(date=timezone.now().date()).exists()
    assert_run(outcome.run, ok=1, missing=1)
    assert "org/tool-1" in outcome.run.error_summary
    ledger.assert_nothing_lost()


def test_a_dmca_takedown_blocks_the_tool_and_keeps_its_numbers(github):
    tools = seed(github, 2)
    github.block("org/tool-0")
    ledger = Ledger()

    outcome = refresh(tools)

    blocked = Tool.objects.get(pk=tools[0].pk)
    assert blocked.status == ToolStatus.BLOCKED
    assert blocked.stars == STORED["stars"]
    assert "451" in blocked.last_refresh_error
    assert_run(outcome.run, ok=1, missing=1)
    ledger.assert_nothing_lost()


def test_an_archived_repo_is_marked_archived(github):
    [tool] = seed(github, 1, archived=True)

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert (tool.status, tool.archived, tool.stars) == (ToolStatus.ARCHIVED, True, 1000)
    assert_run(outcome.run, ok=1)


def test_a_repo_back_from_missing_is_active_again(github):
    [tool] = seed(github, 1)
    Tool.objects.filter(pk=tool.pk).update(status=ToolStatus.MISSING, consecutive_failures=2)

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert (tool.status, tool.consecutive_failures, tool.last_refresh_error) == ("active", 0, "")
    assert_run(outcome.run, ok=1)


def test_ids_of_deleted_tools_are_dropped_quietly(github):
    [tool] = seed(github, 1)
    gone_id = tool.pk + 1000

    outcome = refresh_batch(tool_ids=[tool.pk, gone_id], client=make_client())
    nothing = refresh_batch(tool_ids=[gone_id], client=make_client())

    assert_run(outcome.run, ok=1)
    assert nothing.run is None
    assert RefreshRun.objects.count() == 1


def test_tools_another_worker_is_refreshing_are_left_to_it(github):
    tools = seed(github, 3)
    tools_claim(tool_ids=[tools[2].pk], owner="another-run", ttl=60)

    outcome = refresh(tools)

    assert Tool.objects.get(pk=tools[2].pk).last_refreshed_at is None
    assert_run(outcome.run, ok=2)
    assert "1 tools skipped: another worker is refreshing them" in outcome.run.error_summary
    assert github.graphql_requests[0].variables["n0"] == "tool-0"
    assert len(github.graphql_requests[0].variables) == 1 + 2 * 2  # since + two repos


def test_without_a_token_it_refreshes_over_rest_and_says_why(github, settings):
    settings.GITHUB_TOKENS = []
    tools = seed(github, 2)
    ledger = Ledger()

    outcome = refresh(tools)

    tool = Tool.objects.get(pk=tools[0].pk)
    assert tool.stars == 1000
    assert tool.commits_90d == STORED["commits_90d"]  # REST cannot count commits: kept
    assert tool.snapshots.get(date=timezone.now().date()).source == "github-rest"
    assert not github.graphql_requests
    assert len(github.rest_requests) == 2
    assert_run(outcome.run, ok=2)
    assert outcome.run.github_requests == 2
    assert outcome.run.rate_limit_points == 2  # a core point each, as GitHub charged
    assert outcome.run.rate_limit_remaining == 58
    assert "GITHUB_TOKENS is not set" in outcome.run.error_summary
    ledger.assert_nothing_lost()


def test_due_tools_come_stalest_first_and_failing_ones_wait(settings):
    settings.REFRESH_MAX_CONSECUTIVE_FAILURES = 3
    now = timezone.now()
    fresh = make_tool(last_refreshed_at=now - timedelta(hours=1))
    stale = make_tool(last_refreshed_at=now - timedelta(days=2))
    staler = make_tool(last_refreshed_at=now - timedelta(days=3))
    never = make_tool()
    failing = make_tool(consecutive_failures=3, last_refreshed_at=now - timedelta(days=9))
    almost = make_tool(consecutive_failures=2, last_refreshed_at=now - timedelta(days=1))

    due = tools_due(now=now, max_age=timedelta(hours=5))
    retry = tools_due(now=now, max_age=timedelta(0), retry_failing=True)

    assert due == [never.pk, staler.pk, stale.pk, almost.pk]
    assert fresh.pk not in due
    assert retry == [failing.pk]
    Tool.objects.filter(pk=failing.pk).update(consecutive_failures=0)  # a curator's reset
    assert failing.pk in tools_due(now=now, max_age=timedelta(hours=5))


def test_a_tool_failing_n_times_in_a_row_is_skipped_until_retried(github, settings):
    settings.REFRESH_MAX_CONSECUTIVE_FAILURES = 2
    [tool] = seed(github, 1)
    github.update("org/tool-0", access="forbidden")
    for _ in range(2):
        refresh([tool])
    tool.refresh_from_db()
    assert tool.consecutive_failures == 2

    assert refresh_enqueue_due(max_age_hours=0) == []
    [(run_id, ids)] = refresh_enqueue_due(max_age_hours=0, retry_failing=True)

    assert ids == [tool.pk]
    github.update("org/tool-0", access="ok")
    outcome = refresh_batch(tool_ids=ids, run_id=run_id, client=make_client())
    tool.refresh_from_db()
    assert (tool.consecutive_failures, tool.stars) == (0, 1000)
    assert_run(outcome.run, ok=1)
    assert outcome.run.pk == run_id


def test_queued_batches_are_claimed_so_the_next_schedule_does_not_queue_them_again(github):
    seed(github, 3)

    first = refresh_enqueue_due(max_age_hours=5, batch_size=2)
    second = refresh_enqueue_due(max_age_hours=5, batch_size=2)

    assert [len(ids) for _, ids in first] == [2, 1]
    assert second == []
    runs = RefreshRun.objects.order_by("pk")
    assert [(run.status, run.tools_total) for run in runs] == [("running", 2), ("running", 1)]


def test_a_run_whose_worker_and_message_were_lost_is_marked_lost_by_the_next_schedule(
    github, settings
):
    # Without a broker (each process its own cache) age is the test: older than the
    # visibility timeout. With one, see tests/workers/test_refresh_audit.py.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    seed(github, 1)
    [(run_id, _)] = refresh_enqueue_due(max_age_hours=5)
    long_ago = timezone.now() - timedelta(hours=4)
    RefreshRun.objects.filter(pk=run_id).update(started_at=long_ago)
    recent = RefreshRun.objects.create(kind="metrics", trigger="schedule")

    refresh_enqueue_due(max_age_hours=5)

    lost = RefreshRun.objects.get(pk=run_id)
    assert (lost.status, lost.finished_at is not None) == ("lost", True)
    assert lost.error_summary.startswith("lost: no worker finished it within the broker's")
    assert RefreshRun.objects.get(pk=recent.pk).status == "running"


def test_a_batch_that_crashes_says_so_on_its_run_and_frees_its_tools(github, monkeypatch):
    tools = seed(github, 2)

    def out_of_time(**_):
        raise SoftTimeLimitExceeded("soft time limit (300s) exceeded")

    monkeypatch.setattr(refresh_module, "refresh_tools", out_of_time)

    with pytest.raises(SoftTimeLimitExceeded):
        refresh(tools)

    run = RefreshRun.objects.get()
    assert run.status == "failed"
    assert run.finished_at is not None
    assert run.error_summary.startswith("SoftTimeLimitExceeded")
    assert "soft time limit (300s) exceeded" in run.error_summary
    assert tools_claim(tool_ids=[t.pk for t in tools], owner="next-run", ttl=60) == [
        t.pk for t in tools
    ]
    Ledger().assert_nothing_lost()
