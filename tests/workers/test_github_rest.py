"""REST against the fake GitHub: contributor counts, and one repository without a token."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.workers.github_clients import client_maker
from workers.github import GitHubClient, RateLimitExhausted, RepoRef, RepoStatus, RetryLater

RESET = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)


@pytest.fixture
def make_client(fake_github):
    yield from client_maker(fake_github)


def test_contributor_count_is_the_link_headers_last_page(fake_github, make_client):
    fake_github.add_repo("acme/rocket", contributors=1234)

    count = make_client().fetch_contributor_count("acme/rocket")

    assert (count.status, count.count, count.is_lower_bound) == ("ok", 1234, False)
    assert count.etag.startswith('W/"')
    assert count.requests == 1
    [request] = fake_github.requests
    assert request.path == "/repos/acme/rocket/contributors?per_page=1&anon=1"


@pytest.mark.parametrize(("contributors", "expected"), [(1, 1), (0, 0)])
def test_a_single_page_or_an_empty_repository_is_counted_without_a_link(
    fake_github, make_client, contributors, expected
):
    fake_github.add_repo("acme/tiny", contributors=contributors)

    count = make_client().fetch_contributor_count("acme/tiny")

    assert (count.status, count.count) == ("ok", expected)


def test_304_keeps_the_etag_and_costs_no_rate_limit(fake_github, make_client):
    fake_github.add_repo("acme/rocket", contributors=40)
    client = make_client()
    first = client.fetch_contributor_count("acme/rocket")
    remaining = fake_github.budget("token-a", "core").remaining

    again = client.fetch_contributor_count("acme/rocket", etag=first.etag)

    assert (again.status, again.count, again.etag) == ("not_modified", None, first.etag)
    assert fake_github.requests[-1].headers["if-none-match"] == first.etag
    assert fake_github.requests[-1].status == 304
    assert fake_github.budget("token-a", "core").remaining == remaining


def test_a_changed_count_answers_200_despite_the_old_etag(fake_github, make_client):
    fake_github.add_repo("acme/rocket", contributors=40)
    client = make_client()
    first = client.fetch_contributor_count("acme/rocket")
    fake_github.update("acme/rocket", contributors=41)

    again = client.fetch_contributor_count("acme/rocket", etag=first.etag)

    assert (again.status, again.count) == ("ok", 41)
    assert again.etag != first.etag


def test_202_means_computing_and_is_not_waited_for(fake_github, make_client):
    fake_github.add_repo("acme/fresh", contributors_state="computing")

    count = make_client().fetch_contributor_count("acme/fresh", etag='W/"old"')

    assert (count.status, count.count, count.etag) == ("computing", None, 'W/"old"')
    assert count.requests == 1
    assert make_client.sleeps == []


def test_403_too_large_is_flagged_as_a_lower_bound(fake_github, make_client):
    fake_github.add_repo("huge/monorepo", contributors_state="too_large")

    count = make_client().fetch_contributor_count("huge/monorepo", etag='W/"old"')

    assert (count.status, count.count, count.is_lower_bound) == ("too_large", None, True)
    assert count.etag == 'W/"old"'


def test_a_renamed_repository_is_followed_and_its_new_name_reported(fake_github, make_client):
    fake_github.add_repo("old-org/rocket", contributors=77)
    fake_github.rename("old-org/rocket", "new-org/rocket")

    count = make_client().fetch_contributor_count("old-org/rocket")

    assert (count.status, count.count, count.new_full_name) == ("moved", 77, "new-org/rocket")
    assert count.requests == 3  # the 301, the count at the new place, the new name
    assert [r.status for r in fake_github.requests] == [301, 200, 200]


@pytest.mark.parametrize(("change", "status"), [("delete", "missing"), ("block", "blocked")])
def test_deleted_and_dmca_blocked_repositories(fake_github, make_client, change, status):
    fake_github.add_repo("acme/rocket")
    getattr(fake_github, change)("acme/rocket")

    count = make_client().fetch_contributor_count("acme/rocket", etag='W/"old"')

    assert (count.status, count.count) == (status, None)
    assert fake_github.requests[0].status == {"missing": 404, "blocked": 451}[status]


def test_rest_secondary_limit_with_a_long_retry_after_is_left_to_the_caller(
    fake_github, make_client
):
    fake_github.add_repo("acme/rocket")
    fake_github.inject("secondary_limit", path="/repos/", retry_after=120)

    with pytest.raises(RetryLater) as raised:
        make_client().fetch_contributor_count("acme/rocket")

    assert raised.value.retry_after == 120


def test_rest_primary_limit_raises_with_the_reset_time(fake_github, make_client):
    fake_github.add_repo("acme/rocket")
    fake_github.set_budget(remaining=0, reset_at=RESET, resource="core")

    with pytest.raises(RateLimitExhausted) as raised:
        make_client().fetch_contributor_count("acme/rocket")

    assert raised.value.reset_at == RESET
    assert fake_github.requests[0].status == 403


def test_without_a_token_one_repository_is_read_over_rest(fake_github, make_client):
    fake_github.add_repo("acme/rocket", stars=321, forks=12, watchers=7, topics=["llm"])
    client = make_client(tokens=[])

    result, requests = client.fetch_repository_rest(RepoRef("5", "acme/rocket"))

    assert (result.key, result.status, requests) == ("5", RepoStatus.OK, 1)
    facts = result.facts
    assert (facts.full_name, facts.stars, facts.forks, facts.watchers) == (
        "acme/rocket",
        321,
        12,
        7,
    )
    assert facts.topics == ("llm",)
    # REST cannot tell issues from pull requests, nor count releases or commits: not measured
    assert (facts.open_issues, facts.open_pull_requests, facts.release_count) == (None,) * 3
    assert facts.commits_90d is None
    assert "authorization" not in fake_github.requests[0].headers
    assert fake_github.requests[0].token == ""


def test_without_a_token_a_renamed_repository_reports_its_new_name(fake_github, make_client):
    fake_github.add_repo("acme/rocket", stars=5)
    fake_github.rename("acme/rocket", "acme/jet")

    result, requests = make_client(tokens=[]).fetch_repository_rest(RepoRef("1", "acme/rocket"))

    assert (result.facts.full_name, result.facts.stars, requests) == ("acme/jet", 5, 2)


@pytest.mark.parametrize(
    ("change", "status"),
    [("delete", RepoStatus.MISSING), ("block", RepoStatus.BLOCKED)],
)
def test_without_a_token_missing_and_blocked_repositories(fake_github, make_client, change, status):
    fake_github.add_repo("acme/rocket")
    getattr(fake_github, change)("acme/rocket")

    result, requests = make_client(tokens=[]).fetch_repository_rest(RepoRef("1", "acme/rocket"))

    assert (result.status, result.facts, requests) == (status, None, 1)


def test_without_a_token_sixty_requests_an_hour_then_the_reset(fake_github, make_client):
    fake_github.add_repos(3)
    fake_github.set_budget(remaining=8, limit=60, reset_at=RESET, token="", resource="core")
    client = make_client(tokens=[], reserve=100)  # a reserve is at most a tenth of the limit: 6

    first, _ = client.fetch_repository_rest(RepoRef("0", "org/tool-0"))
    second, _ = client.fetch_repository_rest(RepoRef("1", "org/tool-1"))
    with pytest.raises(RateLimitExhausted) as raised:
        client.fetch_repository_rest(RepoRef("2", "org/tool-2"))

    assert (first.status, second.status) == (RepoStatus.OK, RepoStatus.OK)
    assert raised.value.reset_at == RESET
    assert len(fake_github.requests) == 2  # the budget was known spent: no third request


def test_a_renamed_repository_gets_a_fresh_count_not_a_304_for_the_old_url(
    fake_github, make_client
):
    fake_github.add_repo("old-org/rocket", contributors=77)
    client = make_client()
    etag = client.fetch_contributor_count("old-org/rocket").etag
    fake_github.rename("old-org/rocket", "new-org/rocket")

    count = client.fetch_contributor_count("old-org/rocket", etag=etag)

    assert (count.status, count.count, count.new_full_name) == ("moved", 77, "new-org/rocket")
    assert "if-none-match" not in fake_github.requests[-2].headers


def test_from_settings_uses_the_configured_github(fake_github, settings):
    fake_github.add_repos(3, stars=1)
    settings.GITHUB_TOKENS = ["configured-token"]
    settings.GITHUB_API_URL = fake_github.enterprise_api_url
    settings.GITHUB_GRAPHQL_URL = fake_github.enterprise_graphql_url
    settings.GITHUB_BATCH_SIZE = 2

    with GitHubClient.from_settings() as client:
        batch = client.fetch_repositories([RepoRef(str(i), f"org/tool-{i}") for i in range(3)])

    assert [r.facts.stars for r in batch.results] == [1, 1, 1]
    assert [(r.path, r.token) for r in fake_github.requests] == [
        ("/api/graphql", "configured-token")
    ] * 2


def test_without_a_token_a_forbidden_repository_is_forbidden(fake_github, make_client):
    fake_github.add_repo("acme/private", access="forbidden")

    result, _ = make_client(tokens=[]).fetch_repository_rest(RepoRef("1", "acme/private"))

    assert (result.status, result.facts) == (RepoStatus.FORBIDDEN, None)
    assert result.error == "Resource not accessible"
