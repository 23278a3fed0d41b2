"""The GitHub client fetches metrics in batches over GraphQL, against the fake GitHub."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakegithub.graphql_api import prepare
from tests.workers.github_clients import client_maker
from workers.github import (
    GitHubError,
    RepoRef,
    RepoStatus,
    RequestFailed,
)
from workers.github.graphql import REPOSITORY_FIELDS, build_query

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def make_client(fake_github):
    yield from client_maker(fake_github)


def refs_for(repos) -> list[RepoRef]:
    return [RepoRef(key=str(i), full_name=repo.full_name) for i, repo in enumerate(repos)]


def by_key(batch) -> dict:
    return {result.key: result for result in batch.results}


def test_a_batch_reports_every_fact_github_has(fake_github, make_client):
    repo = fake_github.add_repo(
        "acme/rocket",
        description="Fast inference",
        homepage="https://rocket.example.org",
        stars=12_345,
        forks=678,
        watchers=90,
        open_issues=12,
        open_prs=3,
        pushed_at=NOW - timedelta(hours=5),
        created_at=datetime(2019, 4, 1, tzinfo=UTC),
        license_spdx="Apache-2.0",
        language="Rust",
        topics=["llm", "inference"],
        releases=17,
        latest_release_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        commits_90d=321,
    )

    batch = make_client().fetch_repositories([RepoRef(key="7", full_name="acme/rocket")])

    [result] = batch.results
    assert (result.key, result.status, result.error) == ("7", RepoStatus.OK, "")
    facts = result.facts
    assert (facts.github_id, facts.node_id, facts.full_name) == (
        repo.database_id,
        repo.node_id,
        "acme/rocket",
    )
    assert (facts.description, facts.homepage) == ("Fast inference", "https://rocket.example.org")
    assert (facts.stars, facts.forks, facts.watchers) == (12_345, 678, 90)
    assert (facts.open_issues, facts.open_pull_requests) == (12, 3)
    assert facts.pushed_at == NOW - timedelta(hours=5)
    assert facts.created_at == datetime(2019, 4, 1, tzinfo=UTC)
    assert (facts.archived, facts.disabled, facts.is_fork) == (False, False, False)
    assert (facts.license_spdx, facts.language, facts.topics) == (
        "Apache-2.0",
        "Rust",
        ("llm", "inference"),
    )
    assert (facts.release_count, facts.commits_90d) == (17, 321)
    assert facts.last_release_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_n_repositories_take_ceil_n_over_batch_size_queries_and_points_are_counted(
    fake_github, make_client
):
    repos = fake_github.add_repos(120, stars=5)
    fake_github.update("org/tool-77", stars=7777)

    batch = make_client(batch_size=50).fetch_repositories(refs_for(repos))

    assert len(fake_github.graphql_requests) == 3
    assert batch.requests == 3
    assert [r.key for r in batch.results] == [str(i) for i in range(120)]
    assert all(r.status == RepoStatus.OK for r in batch.results)
    assert by_key(batch)["77"].facts.stars == 7777
    # 50 repositories x 6 connections = 300 connection requests = 3 points, as GitHub counts
    assert [r.cost for r in fake_github.graphql_requests] == [3, 3, 1]
    assert batch.points == fake_github.points_used == 7
    assert batch.rate_limit.remaining == fake_github.budget("token-a").remaining == 4993
    assert batch.rate_limit.limit == 5000


def test_the_query_passes_githubs_schema_and_asks_for_ninety_days_of_commits(fake_github):
    refs = [RepoRef("1", "a/b"), RepoRef("2", "c/d", node_id="R_kgDOAAAB")]

    query, variables, _places = build_query(refs, now=datetime(2025, 6, 30, tzinfo=UTC))

    assert not isinstance(prepare(query, variables), list)  # no validation errors
    assert variables["since"] == "2025-04-01T00:00:00Z"
    assert variables["ids"] == ["R_kgDOAAAB"]
    assert "a/b" not in query  # names travel as variables, never inside the query text


def test_renamed_repository_comes_back_under_its_new_name(fake_github, make_client):
    fake_github.add_repo("old-org/rocket", stars=50)
    fake_github.rename("old-org/rocket", "new-org/rocket")

    batch = make_client().fetch_repositories([RepoRef("1", "old-org/rocket")])

    [result] = batch.results
    assert result.status == RepoStatus.OK
    assert result.facts.full_name == "new-org/rocket"
    assert result.facts.stars == 50


def test_a_repository_known_by_node_id_is_found_after_a_rename(fake_github, make_client):
    repo = fake_github.add_repo("acme/rocket", stars=64)
    fake_github.rename("acme/rocket", "acme/jet")
    fake_github.add_repo("acme/rocket", stars=1)  # someone else took the old name

    ref = RepoRef("1", "acme/rocket", node_id=repo.node_id)
    batch = make_client().fetch_repositories([ref])

    facts = batch.results[0].facts
    assert (facts.full_name, facts.stars, facts.github_id) == ("acme/jet", 64, repo.database_id)
    assert fake_github.graphql_requests[0].variables["ids"] == [repo.node_id]


def test_deleted_repository_is_missing_and_the_rest_of_the_batch_is_fine(fake_github, make_client):
    repos = fake_github.add_repos(3, stars=9)
    fake_github.delete("org/tool-1")
    gone = fake_github.add_repo("org/by-id")
    fake_github.delete("org/by-id")

    refs = [*refs_for(repos), RepoRef("by-id", "org/by-id", node_id=gone.node_id)]
    batch = make_client().fetch_repositories(refs)

    results = by_key(batch)
    assert results["1"].status == RepoStatus.MISSING
    assert "Could not resolve to a Repository" in results["1"].error
    assert results["1"].facts is None
    assert results["by-id"].status == RepoStatus.MISSING
    assert [results[k].facts.stars for k in ("0", "2")] == [9, 9]
    assert len(fake_github.graphql_requests) == 1


def test_dmca_blocked_and_forbidden_repositories_are_told_apart(fake_github, make_client):
    fake_github.add_repo("acme/takedown")
    fake_github.block("acme/takedown")
    fake_github.add_repo("acme/secret", access="forbidden")

    batch = make_client().fetch_repositories(
        [RepoRef("1", "acme/takedown"), RepoRef("2", "acme/secret")]
    )

    assert [r.status for r in batch.results] == [RepoStatus.BLOCKED, RepoStatus.FORBIDDEN]
    assert batch.results[0].error == "Repository access blocked"


def test_archived_and_disabled_repositories_say_so(fake_github, make_client):
    fake_github.add_repo("acme/old", archived=True, stars=10)
    fake_github.add_repo("acme/off", disabled=True)

    batch = make_client().fetch_repositories([RepoRef("1", "acme/old"), RepoRef("2", "acme/off")])

    old, off = (r.facts for r in batch.results)
    assert (old.archived, old.disabled, old.stars) == (True, False, 10)
    assert (off.archived, off.disabled) == (False, True)


def test_partial_data_keeps_what_github_sent_and_notes_the_error(fake_github, make_client):
    fake_github.add_repos(2, commits_90d=12)
    fake_github.update("org/tool-0", field_errors={"defaultBranchRef": "Timeout on history"})

    batch = make_client().fetch_repositories(
        [RepoRef("0", "org/tool-0"), RepoRef("1", "org/tool-1")]
    )

    partial, complete = batch.results
    assert partial.status == RepoStatus.OK
    assert partial.facts.stars == 100
    assert partial.facts.commits_90d is None  # not measured, never 0
    assert "Timeout on history" in partial.error
    assert (complete.facts.commits_90d, complete.error) == (12, "")


@pytest.mark.parametrize(
    ("corrupt", "error"),
    [
        ({"stargazerCount": -3}, "stargazerCount is not a count"),
        ({"forkCount": "lots"}, "forkCount is not a count"),
        ({"isArchived": "yes"}, "isArchived is not true/false"),
        ({"nameWithOwner": "../../etc/passwd"}, "nameWithOwner is not owner/name"),
        ({"pushedAt": "yesterday"}, "pushedAt is not a timestamp"),
        ({"watchers": {"totalCount": 2**40}}, "watchers is not a count"),
    ],
)
def test_a_malformed_value_fails_only_that_repository(fake_github, make_client, corrupt, error):
    fake_github.add_repos(2)
    fake_github.update("org/tool-0", corrupt=corrupt)

    batch = make_client().fetch_repositories(
        [RepoRef("0", "org/tool-0"), RepoRef("1", "org/tool-1")]
    )

    bad, good = batch.results
    assert bad.status == RepoStatus.ERROR
    assert bad.facts is None
    assert error in bad.error
    assert good.status == RepoStatus.OK


def test_untrusted_strings_are_capped_and_unsafe_urls_dropped(fake_github, make_client):
    fake_github.add_repo(
        "acme/loud",
        description="x" * 50_000 + "\x00",
        homepage="javascript:alert(1)",
        topics=["t" * 300, "ok"],
        language="L" * 500,
    )

    facts = make_client().fetch_repositories([RepoRef("1", "acme/loud")]).results[0].facts

    assert len(facts.description) == 2000
    assert facts.homepage == ""
    assert facts.topics == ("t" * 50, "ok")
    assert facts.language == "L" * 64


def test_a_name_that_is_not_owner_slash_name_is_an_error_without_asking_github(
    fake_github, make_client
):
    batch = make_client().fetch_repositories([RepoRef("1", "not a repo")])

    assert batch.results[0].status == RepoStatus.ERROR
    assert "not a GitHub owner/name" in batch.results[0].error
    assert fake_github.requests == []


def test_without_a_token_graphql_is_refused_with_a_clear_message(fake_github, make_client):
    client = make_client(tokens=[])

    with pytest.raises(GitHubError, match="GraphQL needs a token"):
        client.fetch_repositories([RepoRef("1", "acme/rocket")])
    assert client.has_token is False


def test_a_query_asking_for_a_field_github_lacks_fails_loudly(
    fake_github, make_client, monkeypatch
):
    fake_github.add_repos(2)
    wrong = REPOSITORY_FIELDS.replace("stargazerCount", "stars")
    monkeypatch.setattr("workers.github.graphql.REPOSITORY_FIELDS", wrong)

    with pytest.raises(RequestFailed, match="Cannot query field 'stars' on type 'Repository'"):
        make_client().fetch_repositories([RepoRef("0", "org/tool-0"), RepoRef("1", "org/tool-1")])

    assert fake_github.points_used == 0
