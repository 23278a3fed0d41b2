"""Every 4xx/5xx under /api/ has the one JSON error shape, including the errors Django raises
before a view runs (bad Host, oversize body, unknown URL) and an unexpected crash; failed
tokens are throttled with a clear 429."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import include, path
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

SHAPE = {"status", "code", "detail", "parameter", "allowed"}


def _boom(request: HttpRequest) -> None:
    raise RuntimeError("an unexpected bug")


# This module doubles as a URLconf (pytest.mark.urls) with a view that crashes.
urlpatterns = [
    path("api/boom/", _boom),
    path("boom/", _boom),
    path("", include("config.urls")),
]
handler500 = "config.errors.server_error"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= SHAPE, body
    assert body["status"] == status
    assert body["code"] == code
    assert body["detail"]
    return body


def test_an_unknown_api_url_is_a_json_404_naming_the_path(db):
    body = assert_error(Client().get("/api/v1/no-such-thing/"), 404, "not_found")
    assert "/api/v1/no-such-thing/" in body["detail"]
    assert body["parameter"] == "path"


def test_an_unknown_page_outside_the_api_is_the_sites_404_page(db):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert '<a class="brand" href="/">Strata</a>' in page
    assert 'href="/search/"' in page


def test_an_unknown_tool_page_renders_the_sites_404_page(db):
    response = Client().get("/tools/nobody/nothing/")

    assert response.status_code == 404
    assert "Search the catalog" in response.content.decode()


def test_a_host_not_served_is_a_json_400_under_the_api(db):
    response = Client().get("/api/v1/layers/", HTTP_HOST="evil.example")
    assert_error(response, 400, "bad_request")


def test_a_host_not_served_is_an_html_400_elsewhere(db):
    response = Client().get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversize_api_body_is_a_json_413_before_it_is_read(curator, api_catalog):
    body = json.dumps({"curator_notes": "x" * 5000})
    response = curator.patch("/api/v1/tools/crew/crew/", body, content_type="application/json")

    assert_error(response, 413, "request_too_large")
    api_catalog["crew"].refresh_from_db()
    assert api_catalog["crew"].curator_notes == ""


def test_a_malformed_json_body_is_a_json_400(curator, api_catalog):
    response = curator.patch(
        "/api/v1/tools/crew/crew/", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


@pytest.mark.urls("tests.api.test_errors_shape")
def test_a_crash_under_the_api_is_a_json_500_without_a_traceback(db):
    response = Client(raise_request_exception=False).get("/api/boom/")

    body = assert_error(response, 500, "server_error")
    assert "unexpected bug" not in json.dumps(body)


@pytest.mark.urls("tests.api.test_errors_shape")
def test_a_crash_on_a_page_is_the_sites_500_page(db):
    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "unexpected bug" not in page
    assert "Traceback" not in page


@pytest.fixture
def two_wrong_tokens_allowed(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "token_failures", "2/hour")


def test_after_too_many_wrong_tokens_even_the_right_one_is_refused_with_a_429(
    api_catalog, staff_token, two_wrong_tokens_allowed
):
    guesser = APIClient(REMOTE_ADDR="10.9.9.9")
    guesser.credentials(HTTP_AUTHORIZATION="Token guess-1")
    assert guesser.get("/api/v1/layers/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION="Token guess-2")
    assert guesser.get("/api/v1/layers/").status_code == 401

    guesser.credentials(HTTP_AUTHORIZATION=f"Token {staff_token.key}")
    response = guesser.get("/api/v1/layers/")

    body = assert_error(response, 429, "throttled")
    assert "Too many failed token attempts" in body["detail"]
    assert int(response["Retry-After"]) > 0

    other = APIClient(REMOTE_ADDR="10.9.9.10")
    other.credentials(HTTP_AUTHORIZATION=f"Token {staff_token.key}")
    assert other.get("/api/v1/layers/").status_code == 200


def test_anonymous_reads_are_not_counted_as_failed_tokens(api_catalog, two_wrong_tokens_allowed):
    api = APIClient()
    assert [api.get("/api/v1/layers/").status_code for _ in range(4)] == [200] * 4


def test_a_forged_forwarded_for_header_does_not_give_a_fresh_throttle(
    api_catalog, two_wrong_tokens_allowed
):
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        api = APIClient(REMOTE_ADDR="10.9.9.11", HTTP_X_FORWARDED_FOR=forged)
        api.credentials(HTTP_AUTHORIZATION=f"Token guess-{forged}")
        last = api.get("/api/v1/layers/")
    assert last.status_code == 429


@override_settings(DEBUG=True)
def test_under_debug_an_unknown_tool_still_renders_the_sites_404_page(db):
    response = Client().get("/tools/nobody/nothing/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Search the catalog" in page  # the site's page, not Django's debug 404
    assert '<a class="brand" href="/">Strata</a>' in page
