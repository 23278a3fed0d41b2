"""HTTP caching: validators on reads, 304 when unchanged, new validators after changes."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.caching import catalog_version, forget_memo
from catalog import services
from catalog.models import CatalogSummary, MetricSnapshot, Tool
from catalog.summary_store import summaries_rebuild
from tests.factories import make_tool, when

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
def test_a_matching_etag_gets_304_without_a_body(api, api_catalog, url):
    first = api.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith('W/"')
    assert first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_304_on_the_list_skips_the_real_work(api, api_catalog):
    etag = api.get("/api/v1/tools/").get("ETag")
    forget_memo()  # the row count is read again, not kept from the first answer
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/tools/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # The catalog version (one statement) and the stored list counts that prove the page
    # exists (catalog.list_counts); no tool rows are fetched, nothing is counted.
    assert len(captured) == 2
    assert "catalog_catalogsummary" in captured[-1]["sql"]
    assert "COUNT" not in " ".join(query["sql"].upper() for query in captured)


def test_a_304_at_the_same_version_reuses_the_row_count(api, api_catalog):
    etag = api.get("/api/v1/tools/").get("ETag")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/tools/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(captured) == 1  # the version; the count was kept for it by the first answer


ALWAYS_FRESH = [
    {"HTTP_IF_NONE_MATCH": "*"},
    {"HTTP_IF_MODIFIED_SINCE": "Mon, 01 Jan 2035 00:00:00 GMT"},
]
ERRORS = [
    ("/api/v1/tools/nope/nope/", 404, "tool"),
    ("/api/v1/tools/nope/nope/history/", 404, "tool"),
    ("/api/v1/tools/crew/crew/history/?metric=bogus", 400, "metric"),
    ("/api/v1/tools/?ordering=bogus", 400, "ordering"),
    ("/api/v1/tools/?page=150", 404, "page"),
    ("/api/v1/tools/?page=9999", 400, "page"),
    ("/api/v1/tools/?page_size=0", 400, "page_size"),
    ("/api/v1/rankings/?by=bogus", 400, "by"),
    ("/api/v1/trending/?window=1y", 400, "window"),
    ("/api/v1/compare/?tools=crew/crew,nope/nope", 404, "tools"),
    ("/api/v1/categories/?layer=nope", 400, "layer"),
    ("/api/v1/tools/?format=xml", 400, "format"),
    ("/api/v1/tools/crew/crew/?format=csv", 400, "format"),
]


@pytest.mark.parametrize("headers", ALWAYS_FRESH, ids=["if-none-match-star", "modified-2035"])
@pytest.mark.parametrize(("url", "status", "parameter"), ERRORS)
def test_a_validator_never_hides_an_error(api, api_catalog, url, status, parameter, headers):
    response = api.get(url, **headers)
    assert response.status_code == status
    assert response.json()["parameter"] == parameter
    assert "ETag" not in response


@pytest.mark.parametrize("headers", ALWAYS_FRESH, ids=["if-none-match-star", "modified-2035"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tools/crew/crew/",
        "/api/v1/tools/?page=1",
        "/api/v1/compare/?tools=crew/crew,qdrant/qdrant",
    ],
)
def test_an_existing_resource_is_not_modified_for_a_star_or_a_future_date(
    api, api_catalog, url, headers
):
    response = api.get(url, **headers)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"].startswith('W/"')


def test_a_former_name_still_redirects_whatever_the_validator(api, api_catalog):
    response = api.get("/api/v1/tools/joao/crewai/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/tools/crew/crew/")


def test_if_modified_since_gets_304_when_nothing_changed_since(api, api_catalog):
    last_modified = api.get("/api/v1/tools/")["Last-Modified"]
    assert api.get("/api/v1/tools/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert api.get("/api/v1/tools/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_each_url_and_format_has_its_own_etag(api, api_catalog):
    tags = {api.get(url)["ETag"] for url in URLS}
    assert len(tags) == len(URLS)
    assert api.get("/api/v1/tools/?format=csv")["ETag"] != api.get("/api/v1/tools/")["ETag"]


def test_a_curator_change_gives_a_new_etag_and_fresh_data(api, api_catalog):
    url = "/api/v1/tools/?layer=data"
    etag = api.get(url)["ETag"]
    curator = get_user_model().objects.create_user("c", is_staff=True)
    services.tools_set_featured(tools=[api_catalog["qdrant"]], featured=True, user=curator)
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["results"][0]["featured"] is True


def test_a_metrics_refresh_gives_a_new_etag(api, api_catalog):
    etag = api.get("/api/v1/tools/crew/crew/")["ETag"]
    tool = Tool.objects.get(full_name="crew/crew")
    tool.stars = 31000
    tool.save()
    response = api.get("/api/v1/tools/crew/crew/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["stars"] == 31000


def test_errors_carry_no_validators(api, api_catalog):
    response = api.get("/api/v1/tools/", {"ordering": "bad"})
    assert response.status_code == 400
    assert "ETag" not in response


def _history_etag(api) -> str:
    return api.get("/api/v1/tools/crew/crew/history/")["ETag"]


def test_a_day_of_history_added_alone_gives_a_new_etag(api, api_catalog):
    # A star-history backfill or an import of old days adds snapshots without touching the tool.
    etag = _history_etag(api)
    MetricSnapshot.objects.create(tool=api_catalog["crew"], date=date(2026, 1, 1), stars=5)
    response = api.get("/api/v1/tools/crew/crew/history/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_new_tool_gives_a_new_etag(api, api_catalog):
    etag = api.get("/api/v1/tools/")["ETag"]
    Tool.objects.filter(pk=make_tool("new/tool").pk).update(updated_at=when("2000-01-01"))
    assert api.get("/api/v1/tools/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_rankings_run_gives_a_new_etag(api, api_catalog):
    etag = api.get("/api/v1/rankings/")["ETag"]
    Tool.objects.filter(full_name="crew/crew").update(rankings_computed_at=when("2030-01-01"))
    assert api.get("/api/v1/rankings/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_stored_summaries_written_alone_give_a_new_etag(api, api_catalog):
    # The ranking's last step stores the layer summaries after the scores: an answer read
    # between the two must not outlive the summaries under the same version.
    summaries_rebuild()
    etag = api.get("/api/v1/layers/")["ETag"]
    CatalogSummary.objects.update(computed_at=when("2030-01-01"))
    assert api.get("/api/v1/layers/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_deletion_in_admin_gives_a_new_etag(api, api_catalog):
    etag = api.get("/api/v1/tools/")["ETag"]
    curator = get_user_model().objects.create_superuser("admin", password="x")
    admin = Client()
    admin.force_login(curator)
    tool = api_catalog["crew"]
    answer = admin.post(f"/admin/catalog/tool/{tool.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not Tool.objects.filter(pk=tool.pk).exists()
    assert api.get("/api/v1/tools/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_catalog_version_is_one_statement_whatever_the_catalog_size(api, api_catalog):
    for _ in range(30):
        make_tool()
    with CaptureQueriesContext(connection) as captured:
        catalog_version()
    assert len(captured) == 1
    assert "COUNT" not in captured[0]["sql"].upper()


def test_a_repeated_anonymous_question_is_answered_from_the_cache(api, api_catalog):
    first = api.get("/api/v1/rankings/")
    with CaptureQueriesContext(connection) as captured:
        again = api.get("/api/v1/rankings/")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    assert len(captured) == 1  # the data version; no tool is read


def test_a_write_is_never_hidden_by_the_response_cache(api, api_catalog):
    api.get("/api/v1/tools/crew/crew/")
    Tool.objects.filter(full_name="crew/crew").update(stars=77, updated_at=when("2031-01-01"))
    assert api.get("/api/v1/tools/crew/crew/").json()["stars"] == 77


def test_a_signed_in_client_is_never_served_from_the_cache(api, api_catalog, staff_token):
    api.get("/api/v1/tools/?layer=data")
    api.credentials(HTTP_AUTHORIZATION=f"Token {staff_token.key}")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/tools/?layer=data").status_code == 200
    assert len(captured) > 2


def test_the_api_answers_when_the_cache_is_down(api, api_catalog, monkeypatch):
    from api import caching

    def down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(caching.cache, "get", down)
    monkeypatch.setattr(caching.cache, "set", down)
    assert api.get("/api/v1/rankings/").status_code == 200
    assert api.get("/api/v1/rankings/").status_code == 200
