"""The star-history endpoint against the fake GitHub: pages, ETags, moves, missing repositories."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.fakegithub.state import NOW
from tests.workers.github_clients import client_maker
from workers.github import parse
from workers.github.star_history import parse_weeks

TODAY = NOW.date()


@pytest.fixture
def make_client(fake_github):
    yield from client_maker(fake_github)


def _daily(answer) -> dict[date, int]:
    return {day: n for week in answer.weeks for day, n in week.daily() if n}


def test_the_whole_history_is_read_page_by_page_back_to_creation(fake_github, make_client):
    created = NOW - timedelta(days=400)  # 58 weeks: two pages of 30
    fake_github.add_repo("acme/rocket", stars=5000, created_at=created)

    answer = make_client().fetch_star_history("acme/rocket")

    assert answer.status == "ok"
    assert answer.requests == 2
    assert sum(_daily(answer).values()) == 5000
    assert answer.weeks[0].start <= created.date() < answer.weeks[0].start + timedelta(days=7)
    assert answer.weeks[-1].start <= TODAY
    paths = [r.path for r in fake_github.rest_requests]
    assert paths[0] == "/repos/acme/rocket/stargazers/history?per_page=30"
    assert "page=2" in paths[1]
    assert sum(r.cost for r in fake_github.rest_requests) == 2


def test_the_days_a_test_sets_come_back_on_their_dates(fake_github, make_client):
    added = {TODAY - timedelta(days=3): 7, TODAY - timedelta(days=10): 2}
    fake_github.add_repo(
        "acme/small", stars=9, created_at=NOW - timedelta(days=20), star_history=added
    )

    answer = make_client().fetch_star_history("acme/small")

    assert _daily(answer) == added


def test_an_unchanged_history_is_a_free_304(fake_github, make_client):
    fake_github.add_repo("acme/rocket", stars=300, created_at=NOW - timedelta(days=100))
    client = make_client()
    first = client.fetch_star_history("acme/rocket")
    remaining = fake_github.budget("token-a", "core").remaining

    again = client.fetch_star_history("acme/rocket", etag=first.etag)

    assert (again.status, again.weeks, again.etag) == ("not_modified", (), first.etag)
    assert fake_github.rest_requests[-1].headers["if-none-match"] == first.etag
    assert fake_github.budget("token-a", "core").remaining == remaining


def test_a_refresh_reads_only_the_pages_back_to_the_newest_week_it_holds(fake_github, make_client):
    fake_github.add_repo("acme/old", stars=20000, created_at=NOW - timedelta(days=3000))

    answer = make_client().fetch_star_history("acme/old", since=TODAY - timedelta(days=14))

    assert answer.requests == 1
    assert answer.weeks[0].start <= TODAY - timedelta(days=14)


def test_missing_and_blocked_repositories_are_reported_not_raised(fake_github, make_client):
    fake_github.add_repo("acme/gone")
    fake_github.delete("acme/gone")
    fake_github.add_repo("acme/dmca")
    fake_github.block("acme/dmca")
    client = make_client()

    assert client.fetch_star_history("acme/gone").status == "missing"
    assert client.fetch_star_history("acme/dmca").status == "blocked"
    assert client.fetch_star_history("not a name").status == "missing"


def test_a_renamed_repository_is_followed_and_its_new_name_reported(fake_github, make_client):
    fake_github.add_repo("acme/old-name", stars=50, created_at=NOW - timedelta(days=30))
    fake_github.rename("acme/old-name", "acme/new-name")

    answer = make_client().fetch_star_history("acme/old-name")

    assert (answer.status, answer.new_full_name) == ("ok", "acme/new-name")
    assert sum(_daily(answer).values()) == 50


def test_a_malformed_week_is_an_error_naming_the_field(fake_github, make_client):
    fake_github.add_repo("acme/odd", stars=5, created_at=NOW - timedelta(days=10))
    client = make_client()
    stamp = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
    with pytest.raises(parse.InvalidValue, match="week 0: 'days'"):
        parse_weeks([{"week": stamp, "total": 1, "days": [1, 0]}])
    with pytest.raises(parse.InvalidValue, match="'total' 5 is not the sum"):
        parse_weeks([{"week": stamp, "total": 5, "days": [1, 0, 0, 0, 0, 0, 0]}])
    assert client.fetch_star_history("acme/odd").status == "ok"
