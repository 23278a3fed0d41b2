"""The metrics refresh when GitHub misbehaves: budget spent mid-run, secondary limits,
RATE_LIMITED, 502s and timeouts, malformed JSON, partial data. Whatever happens, nothing
stored is lost, each tool keeps one snapshot per day, and the RefreshRun says what happened."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from catalog.models import Tool
from tests.workers.refresh_helpers import (
    STORED,
    Ledger,
    Sleeps,
    assert_run,
    make_client,
    seed,
)
from workers.refresh.pipeline import refresh_batch, tools_due

pytestmark = pytest.mark.django_db


def refresh(tools, client=None):
    client = client or make_client()
    return refresh_batch(tool_ids=[tool.pk for tool in tools], client=client)


def refreshed_today(tools) -> list[bool]:
    today = timezone.now().date()
    return [Tool.objects.get(pk=t.pk).snapshots.filter(date=today).exists() for t in tools]


def test_budget_spent_mid_run_defers_the_rest_to_the_reset_then_completes_it(github):
    tools = seed(github, 4)
    reset_at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=20)
    github.set_budget(1, reset_at=reset_at, token="test-token")  # one query's worth
    ledger = Ledger()

    first = refresh_batch(
        tool_ids=[t.pk for t in tools], client=make_client(batch_size=2, reserve=0)
    )

    assert refreshed_today(tools) == [True, True, False, False]
    assert first.deferred_ids == [tools[2].pk, tools[3].pk]
    assert first.retry_at == reset_at
    assert_run(first.run, status="deferred", ok=2, deferred=2)
    assert (first.run.rate_limit_remaining, first.run.rate_limit_reset_at) == (0, reset_at)
    assert "rate limit spent" in first.run.error_summary
    assert Tool.objects.get(pk=tools[3].pk).stars == STORED["stars"]
    ledger.assert_nothing_lost()

    github.set_budget(5000, token="test-token")  # the reset came
    second = refresh_batch(tool_ids=first.deferred_ids, client=make_client(batch_size=2))

    assert refreshed_today(tools) == [True, True, True, True]
    assert_run(second.run, ok=2)
    assert Tool.objects.get(pk=tools[3].pk).stars == 1003
    ledger.assert_nothing_lost()


def test_a_long_secondary_limit_defers_the_batch_with_githubs_retry_after(github):
    tools = seed(github, 2)
    github.inject("secondary_limit", path="/graphql", status=403, retry_after=120)
    ledger = Ledger()

    outcome = refresh(tools)

    assert outcome.retry_after == 120
    assert outcome.deferred_ids == [tool.pk for tool in tools]
    assert refreshed_today(tools) == [False, False]
    assert_run(outcome.run, status="deferred", deferred=2)
    assert "slow down" in outcome.run.error_summary
    ledger.assert_nothing_lost()

    retried = refresh(tools)
    assert_run(retried.run, ok=2)
    assert refreshed_today(tools) == [True, True]


def test_a_short_secondary_limit_is_waited_out_and_the_batch_completes(github):
    tools = seed(github, 2)
    github.inject("secondary_limit", path="/graphql", status=429, retry_after=2)
    sleeps = Sleeps()

    outcome = refresh(tools, make_client(sleep=sleeps))

    assert sleeps == [2]
    assert_run(outcome.run, ok=2)
    assert outcome.run.github_requests == 2
    Ledger().assert_nothing_lost()


def test_graphql_200_rate_limited_backs_off_and_keeps_everything(github):
    tools = seed(github, 2)
    github.inject("rate_limited", path="/graphql", times=5)
    ledger = Ledger()

    outcome = refresh(tools)

    assert outcome.retry_after
    assert outcome.retry_after >= 60
    assert_run(outcome.run, status="deferred", deferred=2)
    assert Tool.objects.get(pk=tools[0].pk).stars == STORED["stars"]
    ledger.assert_nothing_lost()


def test_graphql_rate_limited_with_nothing_left_waits_for_the_reset(github):
    tools = seed(github, 2)
    github.inject("rate_limited", path="/graphql", remaining=0)
    ledger = Ledger()

    outcome = refresh(tools)

    assert outcome.retry_at is not None
    assert outcome.retry_after is None
    assert_run(outcome.run, status="deferred", deferred=2)
    assert outcome.run.rate_limit_remaining == 0
    ledger.assert_nothing_lost()


def test_a_502_and_a_timeout_are_retried_and_the_batch_completes(github):
    tools = seed(github, 2)
    github.inject("status", path="/graphql", status=502)
    github.inject("timeout", path="/graphql", seconds=2)  # the client gives up after 1 s
    ledger = Ledger()

    outcome = refresh(tools)

    assert [r.fault for r in github.requests if r.path == "/graphql"] == ["status", "timeout", ""]
    assert refreshed_today(tools) == [True, True]
    assert_run(outcome.run, ok=2)
    assert outcome.run.github_requests == 3
    ledger.assert_nothing_lost()


def test_502s_that_outlast_the_retries_defer_the_batch(github):
    tools = seed(github, 2)
    github.inject("status", path="/graphql", status=502, times=10)
    ledger = Ledger()

    outcome = refresh(tools)

    assert outcome.retry_after is not None
    assert_run(outcome.run, status="deferred", deferred=2)
    assert "502" in outcome.run.error_summary
    ledger.assert_nothing_lost()


def test_malformed_json_once_is_retried(github):
    tools = seed(github, 2)
    github.inject("malformed_json", path="/graphql")

    outcome = refresh(tools)

    assert_run(outcome.run, ok=2)
    assert outcome.run.github_requests == 2
    Ledger().assert_nothing_lost()


def test_malformed_json_every_time_notes_it_without_a_strike_or_touching_numbers(github):
    tools = seed(github, 2)
    github.inject("malformed_json", path="/graphql", times=10)
    ledger = Ledger()

    outcome = refresh(tools)

    for tool in Tool.objects.filter(pk__in=[t.pk for t in tools]):
        assert tool.stars == STORED["stars"]
        assert tool.consecutive_failures == 0  # GitHub's fault, not the repository's
        assert "malformed JSON" in tool.last_refresh_error
    assert refreshed_today(tools) == [False, False]
    assert_run(outcome.run, failed=2)
    assert "whole request failed" in outcome.run.error_summary
    ledger.assert_nothing_lost()


@pytest.mark.parametrize(
    "fault", [dict(kind="status", status=400), dict(kind="no_data")], ids=["http-400", "no-data"]
)
def test_a_whole_request_failing_again_and_again_strikes_no_tool(github, settings, fault):
    tools = seed(github, 3)
    ledger = Ledger()

    for _ in range(settings.REFRESH_MAX_CONSECUTIVE_FAILURES):
        github.inject(path="/graphql", **fault)
        outcome = refresh(tools)
        assert_run(outcome.run, failed=3)
        assert "whole request failed" in outcome.run.error_summary

    for tool in Tool.objects.filter(pk__in=[t.pk for t in tools]):
        assert tool.consecutive_failures == 0
        assert tool.stars == STORED["stars"]
        assert tool.last_refresh_error.startswith("GitHub: ")
    later = timezone.now() + timedelta(days=1)
    assert len(tools_due(now=later, max_age=timedelta(hours=5))) == 3  # still refreshed
    ledger.assert_nothing_lost()


def test_partial_data_writes_what_came_and_keeps_what_did_not(github):
    tools = seed(github, 2)
    github.update("org/tool-0", field_errors={"defaultBranchRef": "Something went wrong"})
    ledger = Ledger()

    outcome = refresh(tools)

    tool = Tool.objects.get(pk=tools[0].pk)
    assert tool.stars == 1000
    assert tool.commits_90d == STORED["commits_90d"]  # not reported this time: kept
    assert "partial data" in tool.last_refresh_error
    assert tool.snapshots.get(date=timezone.now().date()).commits_90d is None  # not measured
    assert Tool.objects.get(pk=tools[1].pk).commits_90d == 42
    assert_run(outcome.run, ok=2)
    assert "partial data" in outcome.run.error_summary
    ledger.assert_nothing_lost()


def test_garbage_for_one_repo_fails_that_repo_only(github):
    tools = seed(github, 2)
    github.update("org/tool-1", corrupt={"stargazerCount": -5})
    ledger = Ledger()

    outcome = refresh(tools)

    broken = Tool.objects.get(pk=tools[1].pk)
    assert broken.stars == STORED["stars"]
    assert "stargazerCount" in broken.last_refresh_error
    assert Tool.objects.get(pk=tools[0].pk).stars == 1000
    assert_run(outcome.run, ok=1, failed=1)
    ledger.assert_nothing_lost()


def test_one_failed_request_of_a_batch_writes_the_other_requests_answers(github):
    tools = seed(github, 4)
    github.inject("malformed_json", path="/graphql", times=3)
    ledger = Ledger()

    outcome = refresh(tools, client=make_client(batch_size=2, retries=2))

    assert refreshed_today(tools) == [False, False, True, True]
    assert [Tool.objects.get(pk=t.pk).consecutive_failures for t in tools] == [0, 0, 0, 0]
    assert "malformed JSON" in Tool.objects.get(pk=tools[0].pk).last_refresh_error
    assert_run(outcome.run, ok=2, failed=2)
    ledger.assert_nothing_lost()


@pytest.mark.parametrize("by_id", [False, True], ids=["by-name", "by-node-id"])
def test_errors_on_nullable_fields_keep_the_stored_values_not_blank_them(github, by_id):
    [tool] = seed(github, 1, by_id=by_id, description="From GitHub", language="Rust")
    Tool.objects.filter(pk=tool.pk).update(
        description="Stored description", license_spdx="MIT", language="Python",
        github_homepage="https://stored.example.org",
    )  # fmt: skip
    failing = ("description", "licenseInfo", "primaryLanguage", "homepageUrl")
    github.update("org/tool-0", field_errors=dict.fromkeys(failing, "Internal error"))

    outcome = refresh([tool])

    tool.refresh_from_db()
    assert tool.stars == 1000  # what came is written
    assert (tool.description, tool.license_spdx, tool.language) == (
        "Stored description", "MIT", "Python"
    )  # fmt: skip
    assert tool.github_homepage == "https://stored.example.org"
    assert "partial data" in tool.last_refresh_error
    assert_run(outcome.run, ok=1)
