"""The rate-limit governor's arithmetic, and the untrusted-input checks, without a server."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from workers.github.governor import TokenPool, backoff
from workers.github.parse import InvalidValue, full_name, homepage, moment, text
from workers.github.transport import rate_limited, retry_after_seconds

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def headers(**values: str) -> httpx.Headers:
    return httpx.Headers({k.replace("_", "-"): v for k, v in values.items()})


def test_backoff_doubles_with_jitter_and_stops_at_the_cap():
    assert [backoff(a, base=0.5, cap=8, jitter=0.5) for a in range(6)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        8.0,
    ]
    assert backoff(2, base=1, cap=100, jitter=0.0) == 3.0  # -25 %
    assert backoff(2, base=1, cap=100, jitter=0.999) == pytest.approx(5.0, abs=0.01)  # +25 %
    assert backoff(0, base=60, cap=100, jitter=0.0, floor=60) == 60  # never below the floor
    assert backoff(0, base=120, cap=100, jitter=0.0, floor=120) == 120  # even above the cap


def test_a_token_is_used_until_only_the_reserve_is_left():
    pool = TokenPool(["a"], reserve=100, clock=Clock())
    pool.observe_headers(
        "a",
        headers(x_ratelimit_limit="5000", x_ratelimit_remaining="101"),
        "graphql",
    )
    assert pool.pick("graphql") == "a"

    pool.observe_headers("a", headers(x_ratelimit_remaining="100"), "graphql")

    assert pool.pick("graphql") is None


def test_the_reserve_is_at_most_a_tenth_of_the_limit():
    pool = TokenPool([], reserve=100, clock=Clock())
    pool.observe_headers("", headers(x_ratelimit_limit="60", x_ratelimit_remaining="7"), "core")
    assert pool.pick("core") == ""

    pool.observe_headers("", headers(x_ratelimit_limit="60", x_ratelimit_remaining="6"), "core")

    assert pool.pick("core") is None


def test_a_spent_budget_comes_back_when_its_window_resets():
    clock = Clock()
    pool = TokenPool(["a"], reserve=0, clock=clock)
    reset = int((NOW + timedelta(minutes=10)).timestamp())
    pool.observe_headers(
        "a", headers(x_ratelimit_remaining="0", x_ratelimit_reset=str(reset)), "graphql"
    )
    assert pool.pick("graphql") is None
    assert pool.earliest_reset("graphql") == NOW + timedelta(minutes=10)

    clock.now = NOW + timedelta(minutes=11)

    assert pool.pick("graphql") == "a"


def test_rate_limit_headers_that_do_not_parse_are_ignored():
    pool = TokenPool(["a"], reserve=0, clock=Clock())

    pool.observe_headers(
        "a", headers(x_ratelimit_remaining="-5", x_ratelimit_limit="lots"), "graphql"
    )
    pool.observe_headers("a", headers(x_ratelimit_remaining="many"), "graphql")

    assert pool.state("graphql").remaining is None
    assert pool.pick("graphql") == "a"


def test_graphql_rate_limit_object_is_read_and_its_cost_returned():
    pool = TokenPool(["a", "b"], reserve=0, clock=Clock())
    answer = {
        "cost": 3,
        "remaining": 4990,
        "limit": 5000,
        "used": 10,
        "resetAt": "2025-06-01T13:00:00Z",
    }

    cost = pool.observe_graphql("a", answer)
    pool.observe_graphql("b", {"cost": 1, "remaining": 200, "limit": 5000})

    assert cost == 3
    state = pool.state("graphql")
    assert (state.remaining, state.limit) == (5190, 10000)
    assert state.reset_at == datetime(2025, 6, 1, 13, 0, tzinfo=UTC)
    assert pool.pick("graphql") == "a"


@pytest.mark.parametrize(
    ("status", "values", "payload", "kind"),
    [
        (403, {"x_ratelimit_remaining": "0"}, {"message": "API rate limit exceeded"}, "primary"),
        (429, {"x_ratelimit_remaining": "0"}, {}, "primary"),
        (403, {"retry_after": "60"}, {"message": "abuse"}, "secondary"),
        (403, {}, {"message": "You have exceeded a secondary rate limit."}, "secondary"),
        (403, {"x_ratelimit_remaining": "40"}, {"message": "Resource not accessible"}, ""),
        (200, {"x_ratelimit_remaining": "40"}, {"errors": [{"type": "RATE_LIMITED"}]}, "secondary"),
        (200, {"x_ratelimit_remaining": "0"}, {"errors": [{"type": "RATE_LIMITED"}]}, "primary"),
        (200, {}, {"errors": [{"type": "NOT_FOUND"}]}, ""),
    ],
)
def test_rate_limits_are_told_apart(status, values, payload, kind):
    assert rate_limited(status, headers(**values), payload) == kind


def test_retry_after_may_be_seconds_or_an_http_date():
    assert retry_after_seconds("120", NOW) == 120.0
    assert retry_after_seconds("Sun, 01 Jun 2025 12:01:30 GMT", NOW) == 90.0
    assert retry_after_seconds("soon", NOW) is None


def test_untrusted_text_loses_control_characters_and_is_capped():
    assert text("fine\x00\x1b[31m text", "description", 100) == "fine[31m text"
    assert text("x" * 10, "description", 4) == "xxxx"
    with pytest.raises(InvalidValue, match="description is not text"):
        text(["a"], "description", 10)


def test_identities_and_times_are_checked_strictly():
    assert full_name("Owner-1/repo.name_2") == "Owner-1/repo.name_2"
    for bad in ("owner", "a/b/c", "../x", "owner/" + "r" * 101, 5):
        with pytest.raises(InvalidValue):
            full_name(bad)
    assert moment("2025-01-02T03:04:05Z", "pushedAt") == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    with pytest.raises(InvalidValue, match="no time zone"):
        moment("2025-01-02T03:04:05", "pushedAt")


def test_homepages_must_be_http_urls_that_fit():
    assert homepage("https://example.org/docs") == "https://example.org/docs"
    assert homepage("javascript:alert(1)") == ""
    assert homepage("https://example.org/" + "a" * 600) == ""
