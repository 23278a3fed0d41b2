"""Suggest a tool: validation, duplicates, CSRF, rate limit, honeypot, and the happy path."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from catalog.models import FormerName, Suggestion, Tool
from catalog.services import suggestion_approve, suggestion_reject
from catalog.suggestions import SuggestionError, parse_repository

pytestmark = pytest.mark.django_db


def post(client, site_catalog, ip="10.0.0.1", **fields):
    category = site_catalog.vectors.pk
    data = {"repository": "weaviate/weaviate", "category": category, "reason": "fast"}
    return client.post("/suggest/", {**data, **fields}, REMOTE_ADDR=ip)


def test_the_form_has_labelled_fields_and_a_hidden_honeypot(client, site_catalog):
    page = client.get("/suggest/").content.decode()

    assert '<label for="id_repository">Repository' in page
    assert '<label for="id_category">Category it belongs in' in page
    option = f'<option value="{site_catalog.vectors.pk}">Infrastructure › Vector search</option>'
    assert option in page
    assert '<div class="honeypot" aria-hidden="true">' in page
    assert "csrfmiddlewaretoken" in page


def test_a_good_suggestion_is_recorded_and_thanked(client, site_catalog):
    response = post(
        client, site_catalog, repository="https://github.com/weaviate/weaviate/tree/main"
    )

    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.full_name, suggestion.category, suggestion.reason) == (
        "weaviate/weaviate",
        site_catalog.vectors,
        "fast",
    )
    assert suggestion.status == Suggestion.Status.PENDING
    page = client.get(response["Location"]).content.decode()
    assert "Thank you! weaviate/weaviate will be reviewed by a curator for Vector search." in page


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("weaviate/weaviate", "weaviate/weaviate"),
        ("  https://github.com/Weaviate/weaviate.git ", "Weaviate/weaviate"),
        ("github.com/a-b/c.d_e/", "a-b/c.d_e"),
        ("https://www.github.com/owner/repo/issues/1?x=1", "owner/repo"),
    ],
)
def test_names_and_github_urls_are_understood(typed, parsed):
    assert parse_repository(typed) == parsed


@pytest.mark.parametrize(
    "typed", ["weaviate", "-bad/name", "owner/", "https://gitlab.com/a/b", "a/..", "o" * 40 + "/x"]
)
def test_a_malformed_name_is_refused_with_a_message_on_the_field(client, site_catalog, typed):
    response = post(client, site_catalog, repository=typed)

    assert response.status_code == 400
    assert "Give the repository as owner/name" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_tool_already_in_the_catalog_links_to_it(client, site_catalog):
    response = post(client, site_catalog, repository="QDRANT/Qdrant")

    assert response.status_code == 400
    page = response.content.decode()
    assert "qdrant/qdrant is already in the catalog." in page
    assert 'href="/tools/qdrant/qdrant/">See qdrant/qdrant in the catalog' in page
    assert not Suggestion.objects.exists()


def test_a_tool_known_by_a_former_name_links_to_its_current_page(client, site_catalog):
    FormerName.objects.create(tool=site_catalog.milvus, full_name="zilliz/milvus")

    page = post(client, site_catalog, repository="zilliz/milvus").content.decode()

    assert "milvus-io/milvus is already in the catalog." in page


def test_a_pending_suggestion_is_not_suggested_twice(client, site_catalog):
    Suggestion.objects.create(full_name="Weaviate/Weaviate", category=site_catalog.vectors)

    response = post(client, site_catalog)

    assert response.status_code == 400
    assert "has already been suggested and is waiting for review" in response.content.decode()
    assert Suggestion.objects.count() == 1


def test_a_missing_category_is_refused(client, site_catalog):
    response = post(client, site_catalog, category="")

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_form_needs_its_csrf_token(site_catalog):
    strict = Client(enforce_csrf_checks=True)

    response = post(strict, site_catalog)

    assert response.status_code == 403
    assert not Suggestion.objects.exists()


def test_a_bot_filling_the_honeypot_sees_thanks_but_nothing_is_recorded(client, site_catalog):
    response = post(client, site_catalog, website="http://spam.example")

    assert response.status_code == 302
    assert "Thank you!" in client.get(response["Location"]).content.decode()
    assert not Suggestion.objects.exists()


@override_settings(SUGGEST_RATE_LIMIT="3/hour")
def test_one_address_is_rate_limited_and_others_are_not(client, site_catalog):
    for n in range(3):
        assert post(client, site_catalog, repository=f"owner/repo{n}").status_code == 302

    blocked = post(client, site_catalog, repository="owner/repo4")
    other_address = post(client, site_catalog, repository="owner/repo5", ip="10.0.0.2")

    assert blocked.status_code == 429
    assert "Please wait an hour and try again." in blocked.content.decode()
    assert other_address.status_code == 302
    assert sorted(Suggestion.objects.values_list("full_name", flat=True)) == [
        "owner/repo0",
        "owner/repo1",
        "owner/repo2",
        "owner/repo5",
    ]


def test_a_suggestion_from_the_page_can_be_approved_or_rejected_by_a_curator(client, site_catalog):
    curator = get_user_model().objects.create_superuser("curator", "c@example.com", "pw")
    post(client, site_catalog, repository="weaviate/weaviate")
    post(client, site_catalog, repository="spam/spam")
    good, spam = (Suggestion.objects.get(full_name=n) for n in ("weaviate/weaviate", "spam/spam"))

    tool = suggestion_approve(suggestion=good, reviewer=curator)
    suggestion_reject(suggestion=spam, reviewer=curator, reason="not an AI tool")

    assert Tool.objects.get(full_name="weaviate/weaviate") == tool
    assert tool.category == site_catalog.vectors
    spam.refresh_from_db()
    assert (spam.status, spam.rejection_reason) == ("rejected", "not an AI tool")
    again = post(client, site_catalog, repository="weaviate/weaviate")
    assert "weaviate/weaviate is already in the catalog." in again.content.decode()


def test_a_hidden_tool_is_not_suggested_again_nor_revealed(site_catalog):
    site_catalog.crew.hidden = True
    site_catalog.crew.save()

    from catalog.suggestions import suggestion_submit

    with pytest.raises(SuggestionError) as refused:
        suggestion_submit(repository="crewAIInc/crewAI", category=site_catalog.agents)

    assert refused.value.code == "known"
    assert refused.value.tool is None


@pytest.mark.parametrize("value", ["5", "five/hour", "5/fortnight", "0/hour"])
def test_a_malformed_rate_limit_setting_stops_django_at_start_naming_it(value):
    from tests.config.test_settings import start_django

    result = start_django(SUGGEST_RATE_LIMIT=value)

    assert result.returncode != 0
    assert f"SUGGEST_RATE_LIMIT={value!r}" in result.stderr
