"""Reviewing visitors' suggestions: pending first, approve, reject with a reason."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from catalog.models import (
    Suggestion,
    Tool,
)
from tests.catalog.admin.helpers import (
    admin_url,
    post_suggestion_action,
)

pytestmark = pytest.mark.django_db


def test_pending_suggestions_are_listed_first(admin_client, admin_catalog):
    reviewed = Suggestion.objects.create(
        full_name="late/reviewed",
        category=admin_catalog["other"],
        status=Suggestion.Status.REJECTED,
    )

    response = admin_client.get(admin_url(Suggestion, "changelist"))

    names = [s.full_name for s in response.context["cl"].result_list]
    assert names == ["new/tool", reviewed.full_name]


def test_approving_a_suggestion_adds_the_tool_and_queues_its_first_refresh(
    admin_client, admin_user, admin_catalog, monkeypatch, django_capture_on_commit_callbacks
):
    from workers import tasks

    calls = []
    monkeypatch.setattr(tasks.refresh_batch, "delay", lambda **kw: calls.append(kw))
    suggestion = admin_catalog["suggestion"]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_suggestion_action(admin_client, "approve", [suggestion])

    assert response.status_code == 302
    tool = Tool.objects.get(full_name="new/tool")
    assert tool.category == admin_catalog["other"]
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPROVED
    assert (suggestion.reviewed_by, suggestion.tool) == (admin_user, tool)
    assert calls == [{"tool_ids": [tool.pk]}]
    assert "1 suggestion approved." in admin_client.get(response.url).text


def test_reject_asks_for_a_reason_then_records_it(admin_client, admin_user, admin_catalog):
    suggestion = admin_catalog["suggestion"]

    page = post_suggestion_action(admin_client, "reject", [suggestion])
    assert page.status_code == 200
    assert "Reject suggestions" in page.text
    assert 'name="reason"' in page.text

    response = post_suggestion_action(
        admin_client, "reject", [suggestion], apply="Reject", reason="Not an AI tool."
    )

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED
    assert suggestion.rejection_reason == "Not an AI tool."
    assert suggestion.reviewed_by == admin_user
    assert not Tool.objects.filter(full_name="new/tool").exists()
    entry = LogEntry.objects.get(object_id=str(suggestion.pk), content_type__model="suggestion")
    assert entry.get_change_message() == "Rejected: Not an AI tool."


def test_reject_without_a_reason_keeps_the_suggestion_pending(admin_client, admin_catalog):
    suggestion = admin_catalog["suggestion"]

    response = post_suggestion_action(admin_client, "reject", [suggestion], apply="Reject")

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.PENDING


def test_a_reviewed_suggestion_is_not_reviewed_again(admin_client, admin_catalog):
    suggestion = admin_catalog["suggestion"]
    Suggestion.objects.filter(pk=suggestion.pk).update(status=Suggestion.Status.REJECTED)

    response = post_suggestion_action(admin_client, "approve", [suggestion])

    assert "already rejected" in admin_client.get(response.url).text
    assert not Tool.objects.filter(full_name="new/tool").exists()


def test_a_pending_suggestions_category_can_be_corrected_before_approval(
    admin_client, admin_catalog
):
    suggestion = admin_catalog["suggestion"]
    url = admin_url(Suggestion, "change", suggestion.pk)

    response = admin_client.post(url, {"category": admin_catalog["category"].pk})

    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).category == admin_catalog["category"]


def test_a_reviewed_suggestion_is_read_only(admin_client, admin_catalog):
    suggestion = admin_catalog["suggestion"]
    Suggestion.objects.filter(pk=suggestion.pk).update(status=Suggestion.Status.APPROVED)

    page = admin_client.get(admin_url(Suggestion, "change", suggestion.pk))

    assert 'name="category"' not in page.text


def test_a_suggestion_reason_with_a_script_tag_shows_as_text(admin_client, admin_catalog):
    suggestion = admin_catalog["suggestion"]
    Suggestion.objects.filter(pk=suggestion.pk).update(reason="<script>alert(1)</script>")

    page = admin_client.get(admin_url(Suggestion, "change", suggestion.pk))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text


def test_the_list_says_which_suggestions_are_already_in_the_catalog(admin_client, admin_catalog):
    Suggestion.objects.create(full_name="ACME/Engine", category=admin_catalog["other"])

    response = admin_client.get(admin_url(Suggestion, "changelist"))

    listed = {s.full_name: s.is_listed for s in response.context["cl"].result_list}
    assert listed == {"ACME/Engine": True, "new/tool": False}
