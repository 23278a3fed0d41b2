"""Writing what GitHub reported: facts and metrics in, curated fields and history untouched."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import FormerName, MetricSnapshot, Tool, ToolStatus
from tests.factories import make_snapshot, make_tool
from workers.github import RepoFacts, RepoResult, RepoStatus
from workers.refresh.writes import tools_write_results

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def facts_for(tool: Tool, **values) -> RepoFacts:
    defaults = dict(
        github_id=1000 + tool.pk, node_id=f"R_node{tool.pk}", full_name=tool.full_name,
        description="Fresh from GitHub", homepage="https://example.org", stars=1500, forks=120,
        watchers=40, open_issues=12, open_pull_requests=3,
        pushed_at=NOW - timedelta(hours=2), created_at=NOW - timedelta(days=900),
        archived=False, disabled=False, is_fork=False, license_spdx="Apache-2.0",
        language="Python", topics=("llm", "inference"), release_count=9,
        last_release_at=NOW - timedelta(days=3), commits_90d=77,
    )  # fmt: skip
    return RepoFacts(**{**defaults, **values})


def write(*results: RepoResult, now: datetime = NOW):
    keys = {result.key for result in results}
    tools = {str(t.pk): t for t in Tool.objects.prefetch_related("topics") if str(t.pk) in keys}
    return tools_write_results(tools=tools, results=results, now=now, source="github-graphql")


def ok(tool: Tool, **values) -> RepoResult:
    return RepoResult(key=str(tool.pk), status=RepoStatus.OK, facts=facts_for(tool, **values))


def test_a_fresh_answer_updates_facts_metrics_topics_and_the_days_snapshot():
    tool = make_tool("acme/rocket", stars=1000, consecutive_failures=2, last_refresh_error="boom")

    tally, ok_ids = write(ok(tool))

    tool.refresh_from_db()
    assert (tool.stars, tool.forks, tool.watchers, tool.open_issues) == (1500, 120, 40, 12)
    assert (tool.open_pull_requests, tool.commits_90d, tool.release_count) == (3, 77, 9)
    assert (tool.github_id, tool.github_node_id) == (1000 + tool.pk, f"R_node{tool.pk}")
    assert (tool.license_spdx, tool.language, tool.description) == (
        "Apache-2.0", "Python", "Fresh from GitHub"
    )  # fmt: skip
    assert tool.github_homepage == "https://example.org"
    assert sorted(t.name for t in tool.topics.all()) == ["inference", "llm"]
    assert "inference" in tool.search_document
    assert "Fresh from GitHub" in tool.search_document
    assert tool.last_refreshed_at == tool.metrics_as_of == NOW
    assert (tool.consecutive_failures, tool.last_refresh_error) == (0, "")
    snapshot = MetricSnapshot.objects.get(tool=tool)
    assert (snapshot.date, snapshot.stars, snapshot.forks, snapshot.commits_90d) == (
        NOW.date(), 1500, 120, 77
    )  # fmt: skip
    assert (tally.ok, tally.failed, tally.missing, tally.renamed) == (1, 0, 0, 0)
    assert ok_ids == [tool.pk]


def test_curated_fields_are_never_written_by_a_refresh():
    curated = dict(
        display_name="Rocket", homepage="https://rocket.dev", short_description="Curated words",
        featured=True, hidden=True, deprecated=True, curator_notes="keep",
    )  # fmt: skip
    tool = make_tool("acme/rocket", **curated)

    write(ok(tool, homepage="https://github-side.example", description="GitHub's words"))

    tool.refresh_from_db()
    assert {name: getattr(tool, name) for name in curated} == curated
    assert tool.github_homepage == "https://github-side.example"


def test_refreshing_twice_the_same_day_rewrites_the_same_snapshot():
    tool = make_tool("acme/rocket")
    write(ok(tool, stars=1500))

    write(ok(tool, stars=1510), now=NOW + timedelta(hours=6))

    assert list(MetricSnapshot.objects.values_list("date", "stars")) == [(NOW.date(), 1510)]


def test_a_renamed_repo_keeps_its_history_and_its_old_name():
    tool = make_tool("acme/rocket")
    make_snapshot(tool, date(2026, 11, 1), stars=900)

    tally, _ = write(ok(tool, full_name="rocket-org/rocket"))

    tool.refresh_from_db()
    assert tool.full_name == "rocket-org/rocket"
    assert list(tool.former_names.values_list("full_name", flat=True)) == ["acme/rocket"]
    assert list(tool.snapshots.values_list("stars", flat=True)) == [900, 1500]
    assert "rocket-org" in tool.search_document
    assert (tally.ok, tally.renamed) == (1, 1)


def test_a_repo_renamed_back_drops_the_name_it_has_again_from_its_former_names():
    tool = make_tool("acme/rocket")
    write(ok(tool, full_name="rocket-org/rocket"))

    write(ok(tool, full_name="acme/rocket"))

    tool.refresh_from_db()
    assert tool.full_name == "acme/rocket"
    assert list(tool.former_names.values_list("full_name", flat=True)) == ["rocket-org/rocket"]


def test_a_rename_onto_a_name_another_tool_holds_keeps_both_and_says_so():
    tool = make_tool("acme/rocket")
    other = make_tool("rocket-org/rocket")

    tally, _ = write(ok(tool, full_name="rocket-org/rocket"))

    tool.refresh_from_db()
    assert tool.full_name == "acme/rocket"
    assert tool.stars == 1500
    assert f"a name tool #{other.pk} holds" in tool.last_refresh_error
    assert not FormerName.objects.exists()
    assert (tally.ok, tally.renamed) == (1, 0)
    assert any("rocket-org/rocket" in error for error in tally.errors)


def test_the_same_github_id_on_two_tools_is_reported_not_crashed_on():
    first = make_tool("acme/rocket", github_id=4242)
    duplicate = make_tool("acme/rocket-mirror")

    write(ok(duplicate, github_id=4242))

    duplicate.refresh_from_db()
    assert duplicate.github_id is None
    assert "same GitHub repository as acme/rocket" in duplicate.last_refresh_error
    assert f"tool #{first.pk}" in duplicate.last_refresh_error
    assert duplicate.stars == 1500


def test_an_archived_repo_is_marked_archived():
    tool = make_tool("acme/rocket")

    write(ok(tool, archived=True))

    tool.refresh_from_db()
    assert (tool.status, tool.archived) == (ToolStatus.ARCHIVED, True)


def test_a_repo_github_disabled_is_blocked_and_says_why():
    tool = make_tool("acme/rocket")

    write(ok(tool, disabled=True))

    tool.refresh_from_db()
    assert tool.status == ToolStatus.BLOCKED
    assert tool.last_refresh_error == "GitHub: repository disabled by GitHub"


@pytest.mark.parametrize(
    ("status", "tool_status", "counted_as"),
    [
        (RepoStatus.MISSING, ToolStatus.MISSING, "missing"),
        (RepoStatus.BLOCKED, ToolStatus.BLOCKED, "missing"),
        (RepoStatus.ERROR, ToolStatus.ACTIVE, "failed"),
        (RepoStatus.FORBIDDEN, ToolStatus.ACTIVE, "failed"),
    ],
)
def test_a_failure_keeps_every_stored_number(status, tool_status, counted_as):
    tool = make_tool("acme/rocket", stars=1000, forks=50, contributors=12, commits_90d=30)
    make_snapshot(tool, date(2026, 11, 28), stars=990)
    result = RepoResult(key=str(tool.pk), status=status, error="Something went wrong")

    tally, ok_ids = write(result)

    tool.refresh_from_db()
    assert (tool.stars, tool.forks, tool.contributors, tool.commits_90d) == (1000, 50, 12, 30)
    assert list(tool.snapshots.values_list("stars", flat=True)) == [990]
    assert tool.status == tool_status
    assert tool.consecutive_failures == 1
    assert tool.last_refresh_error
    assert getattr(tally, counted_as) == 1
    assert tally.ok == 0
    assert ok_ids == []


def test_null_commits_from_github_keep_the_stored_count_and_snapshot_says_not_measured():
    tool = make_tool("acme/rocket", commits_90d=30)

    write(ok(tool, commits_90d=None))

    tool.refresh_from_db()
    assert tool.commits_90d == 30
    assert MetricSnapshot.objects.get(tool=tool).commits_90d is None


def test_writing_a_batch_takes_a_dozen_queries_whatever_its_size():
    def queries_for(count: int) -> int:
        Tool.objects.all().delete()
        tools = [make_tool() for _ in range(count)]
        results = [ok(tool, topics=(f"topic-{tool.pk}",)) for tool in tools]
        with CaptureQueriesContext(connection) as captured:
            write(*results)
        return len(captured)

    # Bulk writes: SQLite splits the 50-row UPDATE in two (its parameter limit), PostgreSQL not.
    assert queries_for(5) <= 13
    assert queries_for(50) <= 13


def test_topics_removed_on_github_are_removed_here():
    tool = make_tool("acme/rocket")
    write(ok(tool, topics=("llm", "rag")))

    write(ok(tool, topics=("rag",)), now=NOW + timedelta(days=1))

    assert list(tool.topics.values_list("name", flat=True)) == ["rag"]


def test_two_tools_for_one_repo_in_one_batch_flag_the_second_instead_of_crashing():
    current = make_tool("acme/rocket", stars=50)
    old_name = make_tool("acme/old-rocket", stars=40)

    tally, ok_ids = write(
        ok(old_name, github_id=4242, full_name="acme/rocket"),
        ok(current, github_id=4242, full_name="acme/rocket"),
    )

    current.refresh_from_db()
    old_name.refresh_from_db()
    assert (current.github_id, current.full_name, current.stars) == (4242, "acme/rocket", 1500)
    assert current.last_refresh_error == ""
    assert (old_name.github_id, old_name.full_name) == (None, "acme/old-rocket")
    assert "same GitHub repository as acme/rocket" in old_name.last_refresh_error
    assert "duplicate for a curator to merge" in old_name.last_refresh_error
    assert old_name.stars == 1500  # nothing zeroed
    assert not FormerName.objects.exists()
    assert sorted(ok_ids) == sorted([current.pk, old_name.pk])
    assert any("duplicate" in error for error in tally.errors)


def test_a_github_id_taken_by_another_worker_meanwhile_is_read_again_not_crashed_on(
    monkeypatch,
):
    """Another worker wrote the same repository's id between our read and our write."""
    from workers.refresh import writes as refresh_writes

    tool = make_tool("acme/rocket-mirror", stars=40)
    other = make_tool("acme/rocket", github_id=4242)
    real = refresh_writes._github_ids_held_elsewhere
    reads = []

    def stale_first(ok_pairs):
        reads.append(1)
        return ({}, {}) if len(reads) == 1 else real(ok_pairs)

    monkeypatch.setattr(refresh_writes, "_github_ids_held_elsewhere", stale_first)

    _tally, ok_ids = write(ok(tool, github_id=4242))

    tool.refresh_from_db()
    assert len(reads) == 2
    assert tool.github_id is None
    assert tool.stars == 1500
    assert f"tool #{other.pk}" in tool.last_refresh_error
    assert ok_ids == [tool.pk]


def test_fields_github_did_not_report_this_time_keep_the_stored_values():
    tool = make_tool("acme/rocket", description="Ours", language="Go", license_spdx="MIT")
    tool.github_homepage, tool.watchers = "https://ours.example.org", 33
    tool.save()
    write(ok(tool, topics=("kept",)))
    unreported = dict(description=None, homepage=None, license_spdx=None, language=None)

    write(ok(tool, topics=None, watchers=None, **unreported))

    tool.refresh_from_db()
    assert (tool.description, tool.language, tool.license_spdx) == (
        "Fresh from GitHub",
        "Python",
        "Apache-2.0",
    )
    assert tool.github_homepage == "https://example.org"
    assert tool.watchers == 40
    assert [t.name for t in tool.topics.all()] == ["kept"]
