"""A database outage answers 503 with Retry-After — JSON under /api/, a page elsewhere — and
no traceback; the first request after the database is back works."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import make_category, make_layer


@contextmanager
def database_refusing_queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every new cursor fails the way the driver fails when the server has gone away.

    The driver's own error class is raised inside Django's error wrapper, so views see the
    ``django.db.OperationalError`` a real outage gives.
    """
    if connection.vendor == "postgresql":
        import psycopg

        error: Exception = psycopg.OperationalError("server closed the connection unexpectedly")
    else:
        import sqlite3

        error = sqlite3.OperationalError("unable to open database file")

    def refuse(*args: object, **kwargs: object) -> None:
        raise error

    with monkeypatch.context() as patch:
        patch.setattr(connection, "create_cursor", refuse)
        yield


@pytest.fixture
def taxonomy(db):
    make_category("agents", layer=make_layer("apps", name="Applications"))


def test_api_requests_get_a_json_503_with_retry_after_while_the_database_is_down(
    taxonomy, monkeypatch
):
    client = Client(raise_request_exception=False)
    with database_refusing_queries(monkeypatch):
        response = client.get("/api/v1/layers/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == 503
    assert body["code"] == "service_unavailable"
    assert "database" in body["detail"]
    assert set(body) == {"status", "code", "detail", "parameter", "allowed"}

    after = client.get("/api/v1/layers/")
    assert after.status_code == 200
    assert "apps" in after.content.decode()


@pytest.mark.parametrize("path", ["/", "/search/?q=agent", "/layers/apps/", "/tools/someone/tool/"])
def test_pages_get_an_html_503_page_without_a_traceback(taxonomy, monkeypatch, path):
    client = Client(raise_request_exception=False)
    with database_refusing_queries(monkeypatch):
        response = client.get(path)

    page = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert "Temporarily unavailable" in page
    assert "Traceback" not in page
    assert "OperationalError" not in page
    assert '<a class="brand" href="/">Strata</a>' in page  # the site's own layout

    assert client.get("/layers/apps/").status_code == 200


@pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="a real refused connection is tested on PostgreSQL"
)
def test_a_refused_postgresql_connection_is_a_503_and_the_next_request_reconnects(
    transactional_db,
):
    make_category("agents", layer=make_layer("apps"))
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = Client(raise_request_exception=False)
    real_port = connection.settings_dict["PORT"]
    real_host = connection.settings_dict["HOST"]
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    try:
        api = client.get("/api/v1/layers/")
        page = client.get("/layers/apps/")
    finally:
        connection.close()
        connection.settings_dict.update(HOST=real_host, PORT=real_port)

    assert api.status_code == 503
    assert api.json()["code"] == "service_unavailable"
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.content.decode()

    assert client.get("/api/v1/layers/").status_code == 200
    assert client.get("/layers/apps/").status_code == 200
