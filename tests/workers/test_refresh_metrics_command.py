"""`manage.py refresh_metrics`: the refresh pipeline in this process, against the fake GitHub."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.models import FormerName, MetricSnapshot, RefreshRun, Tool
from tests.factories import make_category
from tests.workers.refresh_helpers import STORED, Ledger, assert_run, seed, use_fake_github
from workers.refresh import inprocess as refresh_inprocess
from workers.refresh.runs import run_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def github(fake_github, settings):
    return use_fake_github(fake_github, settings)


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("refresh_metrics", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refreshed(tools) -> list[bool]:
    today = timezone.now().date()
    return [MetricSnapshot.objects.filter(tool=t, date=today).exists() for t in tools]


def test_it_refreshes_every_tool_and_prints_the_runs_summary(github):
    tools = seed(github, 3)

    output = run_command()

    run = RefreshRun.objects.get()
    assert_run(run, ok=3)
    assert run.trigger == "command"
    assert run_summary(run) in output
    assert "3 tools — 3 ok (0 renamed)" in output
    assert Tool.objects.get(pk=tools[2].pk).stars == 1002
    assert len(github.graphql_requests) == 1


def test_tool_options_pick_those_tools_by_current_or_former_name(github):
    tools = seed(github, 3)
    FormerName.objects.create(tool=tools[2], full_name="old-org/old-name")

    run_command("--tool", "ORG/tool-0", "--tool", "old-org/old-name")

    assert refreshed(tools) == [True, False, True]
    assert_run(RefreshRun.objects.get(), ok=2)


def test_an_unknown_tool_stops_the_command_naming_it_and_changes_nothing(github):
    seed(github, 1)

    with pytest.raises(CommandError, match="--tool nobody/nothing: no tool"):
        run_command("--tool", "org/tool-0", "--tool", "nobody/nothing")

    assert not RefreshRun.objects.exists()
    assert not github.requests


def test_category_and_limit_choose_the_stalest_tools_of_a_category(github):
    tools = seed(github, 3)
    elsewhere = make_category()
    Tool.objects.filter(pk=tools[0].pk).update(category=elsewhere)
    now = timezone.now()
    Tool.objects.filter(pk=tools[1].pk).update(last_refreshed_at=now - timedelta(days=1))
    Tool.objects.filter(pk=tools[2].pk).update(last_refreshed_at=now - timedelta(days=2))

    run_command("--category", tools[1].category.slug, "--limit", "1")

    assert refreshed(tools) == [False, False, True]


def test_an_unknown_category_or_a_bad_limit_is_refused(github):
    with pytest.raises(CommandError, match="--category nope: no category"):
        run_command("--category", "nope")
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        run_command("--limit", "0")


def test_dry_run_lists_the_tools_and_contacts_nobody(github):
    seed(github, 2)
    ledger = Ledger()

    output = run_command("--dry-run")

    assert "org/tool-0  (last refreshed: never)" in output
    assert "Dry run: 2 tools would be refreshed in about 1 GitHub request." in output
    assert not github.requests
    assert not RefreshRun.objects.exists()
    ledger.assert_nothing_lost()


def test_when_the_budget_runs_out_it_stops_saying_what_is_left_and_when(github, settings):
    settings.GITHUB_BATCH_SIZE = 2
    settings.GITHUB_RATE_LIMIT_RESERVE = 0
    tools = seed(github, 5)
    reset_at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=42)
    github.set_budget(1, reset_at=reset_at, token="test-token")
    ledger = Ledger()

    output = run_command()

    assert refreshed(tools) == [True, True, False, False, False]
    assert "Stopped at GitHub's rate limit: 3 tools left" in output
    assert f"resets at {reset_at:%Y-%m-%d %H:%M:%S} UTC" in output
    assert_run(RefreshRun.objects.get(), status="deferred", ok=2, deferred=3)
    assert Tool.objects.get(pk=tools[4].pk).stars == STORED["stars"]
    ledger.assert_nothing_lost()


def test_with_wait_it_sleeps_until_the_reset_and_finishes(github, settings, monkeypatch):
    settings.GITHUB_BATCH_SIZE = 2
    settings.GITHUB_RATE_LIMIT_RESERVE = 0
    tools = seed(github, 5)
    reset_at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=42)
    github.set_budget(1, reset_at=reset_at, token="test-token")
    waits = []

    def wait(seconds):  # the time passes, GitHub's budget resets
        waits.append(seconds)
        github.set_budget(5000, token="test-token")

    monkeypatch.setattr(refresh_inprocess, "wait_seconds", wait)

    output = run_command("--wait")

    assert refreshed(tools) == [True] * 5
    assert len(waits) == 1
    assert 41 * 60 < waits[0] <= 43 * 60
    assert "Stopped" not in output
    assert_run(RefreshRun.objects.get(), ok=5)
    Ledger().assert_nothing_lost()


def test_without_a_token_it_warns_and_refreshes_over_rest(github, settings):
    settings.GITHUB_TOKENS = []
    tools = seed(github, 2)
    err = StringIO()

    call_command("refresh_metrics", stdout=StringIO(), stderr=err)

    assert "GITHUB_TOKENS is not set" in err.getvalue()
    assert refreshed(tools) == [True, True]
    assert len(github.rest_requests) == 2
    assert_run(RefreshRun.objects.get(), ok=2)


def test_github_asking_to_slow_down_is_waited_out_with_backoff_then_given_up(github, monkeypatch):
    tools = seed(github, 2)
    github.inject("secondary_limit", path="/graphql", status=403, retry_after=120, times=10)
    waits = []
    monkeypatch.setattr(refresh_inprocess, "wait_seconds", waits.append)
    ledger = Ledger()

    output = run_command()

    assert waits == [120, 240, 480, 900, 900]  # doubled each time, capped at 15 minutes
    assert "Stopped: GitHub kept asking to slow down; 2 tools left" in output
    assert refreshed(tools) == [False, False]
    assert_run(RefreshRun.objects.get(), status="deferred", deferred=2)
    ledger.assert_nothing_lost()
