"""HTTP caching: validators on reads, 304 when unchanged, new validators after changes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.models import Tool

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/tools/?layer=data",
    "/api/v1/tools/crew/crew/",
    "/api/v1/tools/crew/crew/history/",
    "/api/v1/layers/",
    "/api/v1/categories/",
    "/api/v1/rankings/",
    "/api/v1/trending/",
    "/api/v1/stats/",
]


@pytest.mark.parametrize("url", URLS)
def test_a_matching_etag_gets_304_without_a_body(api, catalog, url):
    first = api.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith('W/"') and first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_304_skips_the_real_work(api, catalog):
    etag = api.get("/api/v1/tools/").get("ETag")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/tools/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(captured) == 2  # the two aggregate queries of the catalog version


def test_if_modified_since_gets_304_when_nothing_changed_since(api, catalog):
    last_modified = api.get("/api/v1/tools/")["Last-Modified"]
    assert api.get("/api/v1/tools/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert api.get("/api/v1/tools/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_each_url_and_format_has_its_own_etag(api, catalog):
    tags = {api.get(url)["ETag"] for url in URLS}
    assert len(tags) == len(URLS)
    assert api.get("/api/v1/tools/?format=csv")["ETag"] != api.get("/api/v1/tools/")["ETag"]


def test_a_curator_change_gives_a_new_etag_and_fresh_data(api, catalog):
    url = "/api/v1/tools/?layer=data"
    etag = api.get(url)["ETag"]
    curator = get_user_model().objects.create_user("c", is_staff=True)
    services.tools_set_featured(tools=[catalog["qdrant"]], featured=True, user=curator)
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["results"][0]["featured"] is True


def test_a_metrics_refresh_gives_a_new_etag(api, catalog):
    etag = api.get("/api/v1/tools/crew/crew/")["ETag"]
    tool = Tool.objects.get(full_name="crew/crew")
    tool.stars = 31000
    tool.save()
    response = api.get("/api/v1/tools/crew/crew/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["stars"] == 31000


def test_errors_carry_no_validators(api, catalog):
    response = api.get("/api/v1/tools/", {"ordering": "bad"})
    assert response.status_code == 400 and "ETag" not in response
