"""The client under rate limits, secondary limits, flaky answers, several tokens, and Enterprise."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

from tests.workers.github_clients import client_maker
from workers.github import (
    GitHubError,
    RateLimitExhausted,
    RepoRef,
    RepoStatus,
    RequestFailed,
    RetryLater,
)

RESET = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=42)


@pytest.fixture
def make_client(fake_github):
    yield from client_maker(fake_github)


def refs(count: int) -> list[RepoRef]:
    return [RepoRef(str(i), f"org/tool-{i}") for i in range(count)]


def test_budget_spent_mid_run_stops_with_the_reset_time_and_keeps_what_was_fetched(
    fake_github, make_client
):
    fake_github.add_repos(6)
    fake_github.set_budget(remaining=2, reset_at=RESET)

    with pytest.raises(RateLimitExhausted) as raised:
        make_client(batch_size=2, reserve=0).fetch_repositories(refs(6))

    assert raised.value.reset_at == RESET
    partial = raised.value.partial
    assert [r.key for r in partial.results] == ["0", "1", "2", "3"]
    assert all(r.status == RepoStatus.OK for r in partial.results)
    assert (partial.requests, partial.points) == (2, 2)
    assert partial.rate_limit.remaining == 0
    assert len(fake_github.graphql_requests) == 2  # it did not ask once the budget was known spent


def test_the_reserve_is_never_spent(fake_github, make_client):
    fake_github.add_repos(5)
    fake_github.set_budget(remaining=102, reset_at=RESET)

    with pytest.raises(RateLimitExhausted) as raised:
        make_client(batch_size=1, reserve=100).fetch_repositories(refs(5))

    assert len(raised.value.partial.results) == 2
    assert fake_github.budget("token-a").remaining == 100


def test_a_budget_github_reports_spent_raises_without_sleeping(fake_github, make_client):
    fake_github.add_repos(2)
    fake_github.set_budget(remaining=0, reset_at=RESET)

    with pytest.raises(RateLimitExhausted) as raised:
        make_client().fetch_repositories(refs(2))

    assert raised.value.reset_at == RESET
    assert raised.value.partial.results == []
    assert make_client.sleeps == []


def test_a_spent_token_rotates_to_one_with_budget_left(fake_github, make_client):
    fake_github.add_repos(3, stars=3)
    fake_github.set_budget(remaining=0, reset_at=RESET, token="token-a")

    batch = make_client(tokens=["token-a", "token-b"]).fetch_repositories(refs(3))

    assert [r.facts.stars for r in batch.results] == [3, 3, 3]
    assert [r.token for r in fake_github.requests] == ["token-a", "token-b"]
    assert batch.rate_limit.remaining == 0 + 4999


def test_the_pool_prefers_the_token_with_the_most_budget_left(fake_github, make_client):
    fake_github.add_repos(2)
    fake_github.set_budget(remaining=300, token="token-a")
    fake_github.set_budget(remaining=4000, token="token-b")
    client = make_client(tokens=["token-a", "token-b"], batch_size=1)

    client.fetch_repositories(refs(2))

    assert [r.token for r in fake_github.requests] == ["token-a", "token-b"]


def test_when_every_token_is_spent_the_earliest_reset_is_reported(fake_github, make_client):
    fake_github.add_repos(1)
    fake_github.set_budget(remaining=0, reset_at=RESET + timedelta(minutes=5), token="token-a")
    fake_github.set_budget(remaining=0, reset_at=RESET, token="token-b")

    with pytest.raises(RateLimitExhausted) as raised:
        make_client(tokens=["token-a", "token-b"]).fetch_repositories(refs(1))

    assert raised.value.reset_at == RESET


def test_a_rejected_token_is_dropped_from_the_pool(fake_github, make_client):
    fake_github.add_repos(1)
    fake_github.tokens = {"good"}

    batch = make_client(tokens=["bad", "good"]).fetch_repositories(refs(1))

    assert batch.results[0].status == RepoStatus.OK
    assert [(r.token, r.status) for r in fake_github.requests] == [("bad", 401), ("good", 200)]


def test_only_rejected_tokens_is_a_clear_error(fake_github, make_client):
    fake_github.tokens = {"good"}

    with pytest.raises(GitHubError, match="GITHUB_TOKENS"):
        make_client(tokens=["bad"]).fetch_repositories(refs(1))


@pytest.mark.parametrize("status", [403, 429])
def test_a_short_secondary_limit_is_waited_out_then_the_batch_completes(
    fake_github, make_client, status
):
    fake_github.add_repos(2)
    fake_github.inject("secondary_limit", path="/graphql", status=status, retry_after=2)

    batch = make_client().fetch_repositories(refs(2))

    assert all(r.status == RepoStatus.OK for r in batch.results)
    assert make_client.sleeps == [2.0]
    assert [r.status for r in fake_github.requests] == [status, 200]


def test_a_long_secondary_limit_is_left_to_the_caller_with_partial_results(
    fake_github, make_client
):
    fake_github.add_repos(4)
    fake_github.inject("secondary_limit", path="/graphql", retry_after=90, after=1)

    with pytest.raises(RetryLater) as raised:
        make_client(batch_size=2).fetch_repositories(refs(4))

    assert raised.value.retry_after == 90
    assert "abuse detection" in raised.value.reason
    assert [r.key for r in raised.value.partial.results] == ["0", "1"]
    assert make_client.sleeps == []


def test_a_secondary_limit_without_retry_after_backs_off_at_least_a_minute(
    fake_github, make_client
):
    fake_github.add_repos(1)
    fake_github.inject("secondary_limit", path="/graphql", status=429)

    with pytest.raises(RetryLater) as raised:
        make_client().fetch_repositories(refs(1))

    assert raised.value.retry_after == 60


def test_graphql_200_with_rate_limited_is_a_secondary_limit(fake_github, make_client):
    fake_github.add_repos(1)
    fake_github.inject("rate_limited", path="/graphql")

    with pytest.raises(RetryLater) as raised:
        make_client().fetch_repositories(refs(1))

    assert raised.value.retry_after == 60
    assert "API rate limit exceeded for user ID" in raised.value.reason
    assert make_client.sleeps == []


def test_graphql_rate_limited_with_nothing_remaining_is_the_primary_limit(fake_github, make_client):
    fake_github.add_repos(1)
    fake_github.set_budget(remaining=10, reset_at=RESET)
    fake_github.inject("rate_limited", path="/graphql", remaining=0)

    with pytest.raises(RateLimitExhausted) as raised:
        make_client(reserve=0).fetch_repositories(refs(1))

    assert raised.value.reset_at == RESET


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_error_is_retried_after_a_short_backoff(fake_github, make_client, status):
    fake_github.add_repos(2, stars=8)
    fake_github.inject("status", path="/graphql", status=status)

    batch = make_client().fetch_repositories(refs(2))

    assert [r.facts.stars for r in batch.results] == [8, 8]
    assert make_client.sleeps == [0.5]
    assert batch.requests == 2


def test_a_timeout_is_retried_and_then_succeeds(fake_github, make_client):
    fake_github.add_repos(1, stars=11)
    fake_github.inject("timeout", path="/graphql", seconds=1.0)

    batch = make_client(timeout=0.25).fetch_repositories(refs(1))

    assert batch.results[0].facts.stars == 11
    assert make_client.sleeps == [0.5]
    assert [r.fault for r in fake_github.requests] == ["timeout", ""]


def test_gateway_errors_that_persist_become_retry_later_after_capped_backoff(
    fake_github, make_client
):
    fake_github.add_repos(1)
    fake_github.inject("status", path="/graphql", status=502, times=10)

    with pytest.raises(RetryLater) as raised:
        make_client(retries=3).fetch_repositories(refs(1))

    assert make_client.sleeps == [0.5, 1.0, 2.0]
    assert len(fake_github.requests) == 4
    assert raised.value.retry_after == 120
    assert "502" in raised.value.reason


def test_malformed_json_once_is_retried(fake_github, make_client):
    fake_github.add_repos(1, stars=4)
    fake_github.inject("malformed_json", path="/graphql")

    batch = make_client().fetch_repositories(refs(1))

    assert batch.results[0].facts.stars == 4
    assert len(fake_github.requests) == 2


def test_malformed_json_that_persists_fails_that_request_not_its_repositories(
    fake_github, make_client
):
    fake_github.add_repos(4, stars=4)
    fake_github.inject("malformed_json", path="/graphql", times=3)

    with pytest.raises(RequestFailed, match="GitHub sent malformed JSON") as failed:
        make_client(batch_size=2, retries=2).fetch_repositories(refs(4))

    batch = failed.value.partial  # the other query's answer is kept; no repository is blamed
    assert [r.key for r in batch.results] == ["2", "3"]
    assert [r.facts.stars for r in batch.results] == [4, 4]


def test_enterprise_server_urls_are_the_only_ones_called(fake_github, make_client):
    fake_github.add_repos(1)
    client = make_client(
        api_url=fake_github.enterprise_api_url, graphql_url=fake_github.enterprise_graphql_url
    )

    client.fetch_repositories(refs(1))
    client.fetch_contributor_count("org/tool-0")
    client.fetch_repository_rest(RepoRef("0", "org/tool-0"))

    paths = [r.path.split("?")[0] for r in fake_github.requests]
    assert paths == [
        "/api/graphql",
        "/api/v3/repos/org/tool-0/contributors",
        "/api/v3/repos/org/tool-0",
    ]


def test_a_redirect_off_the_configured_host_is_refused(fake_github, make_client):
    fake_github.add_repo("acme/rocket")
    fake_github.rename("acme/rocket", "acme/jet")
    fake_github.redirect_base = "http://127.0.0.2:9"

    with pytest.raises(GitHubError, match="refused a redirect"):
        make_client().fetch_repository_rest(RepoRef("1", "acme/rocket"))
    assert len(fake_github.requests) == 1


def test_no_token_warns_clearly(fake_github, make_client, caplog):
    with caplog.at_level(logging.WARNING, logger="workers.github"):
        make_client(tokens=[])

    assert "GITHUB_TOKENS is not set" in caplog.text
    assert "60 REST requests an hour" in caplog.text


def test_a_repository_github_always_times_out_on_is_isolated_by_halving(fake_github, make_client):
    fake_github.add_repos(8, stars=2)
    fake_github.update("org/tool-5", query_times_out=True)

    batch = make_client(batch_size=8).fetch_repositories(refs(8))

    results = {r.key: r for r in batch.results}
    assert [r.key for r in batch.results] == [str(i) for i in range(8)]
    assert results["5"].status == RepoStatus.ERROR
    assert "kept failing on this repository" in results["5"].error
    assert all(results[str(i)].facts.stars == 2 for i in range(8) if i != 5)
    # 4 tries of all 8, then halves of 4, 2, 1 on the failing side; the rest answered
    assert len(fake_github.graphql_requests) == 4 + 2 + 2 + 2


def test_during_an_outage_halving_gives_up_and_blames_no_repository(fake_github, make_client):
    fake_github.add_repos(8)
    fake_github.inject("status", path="/graphql", status=502, times=100)

    with pytest.raises(RetryLater) as raised:
        make_client(batch_size=8).fetch_repositories(refs(8))

    assert raised.value.transient is True
    assert raised.value.partial.results == []  # nobody was marked as failing
    assert len(fake_github.graphql_requests) <= 4 + 5


def test_graphqls_something_went_wrong_timeout_is_retried(fake_github, make_client):
    fake_github.add_repos(1, stars=6)
    fake_github.inject("query_timeout", path="/graphql")

    batch = make_client().fetch_repositories(refs(1))

    assert batch.results[0].facts.stars == 6
    assert make_client.sleeps == [0.5]


def test_an_oversized_answer_is_not_read_into_memory(fake_github, make_client, monkeypatch):
    monkeypatch.setattr("workers.github.transport.MAX_BODY_BYTES", 300)
    fake_github.add_repos(1)

    with pytest.raises(RequestFailed, match="oversized"):
        make_client(retries=1).fetch_repositories(refs(1))

    assert len(fake_github.requests) == 2
