"""Curator writes over the API (staff token), anonymous read-only, and throttling."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from catalog.models import Tool

pytestmark = pytest.mark.django_db

DETAIL = "/api/v1/tools/crew/crew/"


def test_a_curator_token_updates_curated_fields(curator, api_catalog):
    response = curator.patch(
        DETAIL,
        {"display_name": "CrewAI", "short_description": "Agents in crews", "featured": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "CrewAI"
    assert response.json()["featured"] is True
    tool = Tool.objects.get(full_name="crew/crew")
    assert (tool.display_name, tool.short_description, tool.featured) == (
        "CrewAI",
        "Agents in crews",
        True,
    )
    assert LogEntry.objects.filter(object_id=str(tool.pk), user__username="curator").exists()


def test_a_curator_moves_a_tool_to_another_category(curator, api_catalog):
    response = curator.patch(DETAIL, {"category": "llms"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["category"]["slug"] == "llms"
    assert Tool.objects.get(full_name="crew/crew").category.slug == "llms"


def test_a_curator_hides_a_tool_and_it_leaves_the_public_api(curator, api, api_catalog):
    assert curator.patch(DETAIL, {"hidden": True}, format="json").status_code == 200
    assert Tool.objects.get(full_name="crew/crew").hidden is True
    assert api.get(DETAIL).status_code == 404
    assert "crew/crew" not in [t["full_name"] for t in api.get("/api/v1/tools/").json()["results"]]
    # …and can bring it back (a hidden tool is still reachable for curators).
    assert curator.patch(DETAIL, {"hidden": False}, format="json").status_code == 200
    assert api.get(DETAIL).status_code == 200


def test_a_curator_marks_a_tool_deprecated_in_favour_of_another(curator, api_catalog):
    body = {"deprecated": True, "replaced_by": "tiny/swarm"}
    response = curator.patch(DETAIL, body, format="json")
    assert response.status_code == 200
    assert response.json()["replaced_by"] == "tiny/swarm"
    assert Tool.objects.get(full_name="crew/crew").replaced_by.full_name == "tiny/swarm"


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"stars": 1}, "stars"),  # metrics are not writable: no mass assignment
        ({"category": "nope"}, "category"),
        ({"homepage": "not a url"}, "homepage"),
        ({"replaced_by": "nobody/nothing"}, "replaced_by"),
        ({"replaced_by": "crew/crew"}, "replaced_by"),  # cannot replace itself
        ({"featured": "sometimes"}, "featured"),
    ],
)
def test_a_bad_write_is_400_naming_the_field_and_changes_nothing(
    curator, api_catalog, body, parameter
):
    before = Tool.objects.values().get(full_name="crew/crew")
    response = curator.patch(DETAIL, body, format="json")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert Tool.objects.values().get(full_name="crew/crew") == before


def test_anonymous_clients_cannot_write(api, api_catalog):
    response = api.patch(DETAIL, {"featured": True}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert Tool.objects.get(full_name="crew/crew").featured is False


def test_a_non_staff_token_cannot_write(api_catalog):
    user = get_user_model().objects.create_user("reader", password="x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = client.patch(DETAIL, {"featured": True}, format="json")
    assert response.status_code == 403
    assert Tool.objects.get(full_name="crew/crew").featured is False


def test_a_bad_token_is_401(api, api_catalog):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/tools/").status_code == 401


def test_an_unknown_tool_cannot_be_written(curator, api_catalog):
    response = curator.patch("/api/v1/tools/nobody/nothing/", {"featured": True}, format="json")
    assert response.status_code == 404


@pytest.fixture
def tight_rates(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "4/minute")


def test_an_anonymous_client_over_its_rate_gets_429_with_retry_after(api, api_catalog, tight_rates):
    statuses = [api.get("/api/v1/layers/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/layers/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_authenticated_clients_have_their_own_rate(curator, api_catalog, tight_rates):
    statuses = [curator.get("/api/v1/layers/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
