"""GraphQL's NOT_FOUND is confirmed with one REST request: 404 → missing, 451 → blocked (a
DMCA takedown), 301 → a rename, followed. Against the fake GitHub over HTTP."""

import pytest

from catalog.models import FormerName, Tool, ToolStatus
from tests.workers.refresh_helpers import STORED, Ledger, assert_run, make_client, seed
from workers.refresh.pipeline import refresh_batch

pytestmark = pytest.mark.django_db


def refresh(tools):
    return refresh_batch(tool_ids=[tool.pk for tool in tools], client=make_client())


def rest_paths(github) -> list[tuple[str, int]]:
    return [(request.path, request.status) for request in github.rest_requests]


def test_a_deleted_repository_is_confirmed_missing_with_one_rest_request(github):
    tools = seed(github, 2)
    github.delete("org/tool-1")
    ledger = Ledger()

    outcome = refresh(tools)

    assert rest_paths(github) == [("/repos/org/tool-1", 404)]
    missing = Tool.objects.get(pk=tools[1].pk)
    assert missing.status == ToolStatus.MISSING
    assert missing.stars == STORED["stars"]
    assert Tool.objects.get(pk=tools[0].pk).status == ToolStatus.ACTIVE
    assert_run(outcome.run, ok=1, missing=1)
    assert outcome.run.github_requests == 2  # the GraphQL query and the confirmation
    assert "org/tool-1: GitHub: repository not found" in outcome.run.error_summary
    ledger.assert_nothing_lost()


def test_a_takedown_graphql_calls_not_found_is_blocked_when_rest_answers_451(github):
    tools = seed(github, 2)
    github.update("org/tool-0", access="blocked", graphql_not_found=True)

    outcome = refresh(tools)

    assert rest_paths(github) == [("/repos/org/tool-0", 451)]
    blocked = Tool.objects.get(pk=tools[0].pk)
    assert blocked.status == ToolStatus.BLOCKED
    assert "HTTP 451" in blocked.last_refresh_error
    assert blocked.stars == STORED["stars"]
    assert_run(outcome.run, ok=1, missing=1)  # "missing or blocked" on the run


def test_a_move_graphql_calls_not_found_is_followed_as_a_rename(github):
    tools = seed(github, 2)
    github.rename("org/tool-0", "neworg/tool-zero")
    github.update("neworg/tool-zero", graphql_not_found=True, stars=4321)

    outcome = refresh(tools)

    assert [path for path, _ in rest_paths(github)][:1] == ["/repos/org/tool-0"]
    assert rest_paths(github)[0][1] == 301
    moved = Tool.objects.get(pk=tools[0].pk)
    assert (moved.full_name, moved.status, moved.stars) == ("neworg/tool-zero", "active", 4321)
    assert list(FormerName.objects.filter(tool=moved).values_list("full_name", flat=True)) == [
        "org/tool-0"
    ]
    assert Tool.objects.by_name("org/tool-0") == (moved, False)
    assert_run(outcome.run, ok=2, renamed=1)


def test_only_not_found_is_confirmed_a_forbidden_answer_costs_no_rest_request(github):
    tools = seed(github, 2)
    github.block("org/tool-0")  # GraphQL FORBIDDEN "Repository access blocked"

    outcome = refresh(tools)

    assert rest_paths(github) == []
    assert Tool.objects.get(pk=tools[0].pk).status == ToolStatus.BLOCKED
    assert_run(outcome.run, ok=1, missing=1)


def test_when_rest_cannot_answer_graphqls_missing_stands(github):
    tools = seed(github, 1)
    github.delete("org/tool-0")
    github.set_budget(0, resource="core")

    outcome = refresh(tools)

    assert Tool.objects.get(pk=tools[0].pk).status == ToolStatus.MISSING
    assert_run(outcome.run, missing=1)
