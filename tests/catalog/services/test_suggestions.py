"""Reviewing suggestions: approve adds or links the tool and queues its refresh; reject keeps
a reason."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, LogEntry

from catalog import services
from catalog.models import FormerName, Suggestion, Tool
from catalog.services import CurationError
from tests.catalog.services.helpers import log_messages
from tests.factories import make_category, make_tool

pytestmark = pytest.mark.django_db


def make_suggestion(full_name="acme/new-tool", **fields) -> Suggestion:
    fields.setdefault("category", make_category())
    return Suggestion.objects.create(full_name=full_name, **fields)


def test_approving_adds_the_tool_in_the_suggested_category_and_queues_its_first_refresh(
    curator, queued, django_capture_on_commit_callbacks
):
    suggestion = make_suggestion(reason="popular")

    with django_capture_on_commit_callbacks(execute=True):
        tool = services.suggestion_approve(suggestion=suggestion, reviewer=curator)

    assert Tool.objects.get(full_name="acme/new-tool") == tool
    assert tool.category == suggestion.category
    assert tool.stars is None  # not measured yet, never 0
    assert tool.source == "suggestion"
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPROVED
    assert (suggestion.reviewed_by, suggestion.tool) == (curator, tool)
    assert suggestion.reviewed_at is not None
    assert queued == [{"tool_ids": [tool.pk]}]
    added = LogEntry.objects.get(object_id=str(tool.pk), action_flag=ADDITION)
    assert added.change_message == f"Added from suggestion #{suggestion.pk}."
    assert log_messages(suggestion) == ["Approved; added tool acme/new-tool."]


def test_approving_a_tool_already_listed_links_it_instead_of_adding_a_copy(
    curator, queued, django_capture_on_commit_callbacks
):
    existing = make_tool("Acme/New-Tool")
    suggestion = make_suggestion("acme/new-tool")

    with django_capture_on_commit_callbacks(execute=True):
        tool = services.suggestion_approve(suggestion=suggestion, reviewer=curator)

    assert tool == existing
    assert Tool.objects.count() == 1
    assert Suggestion.objects.get(pk=suggestion.pk).tool == existing
    assert queued == []


def test_approving_a_former_name_links_the_renamed_tool(curator):
    renamed = make_tool("acme/new-name")
    FormerName.objects.create(tool=renamed, full_name="acme/old-name")

    tool = services.suggestion_approve(
        suggestion=make_suggestion("acme/old-name"), reviewer=curator
    )

    assert tool == renamed
    assert Tool.objects.count() == 1


def test_a_suggestion_is_reviewed_only_once(curator):
    suggestion = make_suggestion()
    services.suggestion_approve(suggestion=suggestion, reviewer=curator)

    with pytest.raises(CurationError) as error:
        services.suggestion_reject(suggestion=suggestion, reviewer=curator, reason="late")

    assert error.value.field == "status"
    assert "already approved" in str(error.value)
    assert Suggestion.objects.get(pk=suggestion.pk).rejection_reason == ""


def test_approving_a_malformed_name_is_refused_and_adds_nothing(curator):
    suggestion = make_suggestion("not a repo")

    with pytest.raises(CurationError) as error:
        services.suggestion_approve(suggestion=suggestion, reviewer=curator)

    assert error.value.field == "full_name"
    assert not Tool.objects.exists()
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.PENDING


def test_rejecting_keeps_the_reason_and_the_reviewer(curator):
    suggestion = make_suggestion()

    services.suggestion_reject(suggestion=suggestion, reviewer=curator, reason="  Not AI.  ")

    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED
    assert suggestion.rejection_reason == "Not AI."
    assert suggestion.reviewed_by == curator
    assert suggestion.reviewed_at is not None
    assert log_messages(suggestion) == ["Rejected: Not AI."]
    assert not Tool.objects.exists()


def test_rejecting_without_a_reason_is_refused_and_the_suggestion_stays_pending(curator):
    suggestion = make_suggestion()

    with pytest.raises(CurationError) as error:
        services.suggestion_reject(suggestion=suggestion, reviewer=curator, reason="   ")

    assert error.value.field == "reason"
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.PENDING
