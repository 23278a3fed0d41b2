"""Curator writes on tools: what they change, what they log, what they refuse."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from catalog import services
from catalog.models import Tool
from catalog.ranking.writer import recompute_rankings
from catalog.services import CurationError
from tests.catalog.services.helpers import log_messages
from tests.factories import make_category, make_layer, make_snapshot, make_tool

pytestmark = pytest.mark.django_db


# --- Moving tools ---------------------------------------------------------------------------


def test_moving_tools_changes_their_category_and_logs_where_they_came_from(curator):
    old = make_category("agents")
    new = make_category("vector-databases")
    a, b = make_tool("acme/a", category=old), make_tool("acme/b", category=old)

    moved = services.tools_move_to_category(
        tools=Tool.objects.filter(pk__in=[a.pk, b.pk]), category=new, user=curator
    )

    assert moved == 2
    assert set(Tool.objects.filter(category=new).values_list("full_name", flat=True)) == {
        "acme/a",
        "acme/b",
    }
    [message] = log_messages(a)
    assert f"Moved to category “{new}” (was “{old}”)" in message
    assert LogEntry.objects.get(object_id=str(b.pk)).user == curator


def measured_tool(category, stars: int):
    """A tool with a month of star history, so the rankings give it a score and ranks."""
    now = timezone.now()
    tool = make_tool(category=category, stars=stars, metrics_as_of=now)
    make_snapshot(tool, (now - timedelta(days=40)).date(), stars=stars // 2)
    make_snapshot(tool, now.date(), stars=stars)
    return tool


def test_moving_reranks_both_the_category_left_and_the_one_joined():
    old = make_category(layer=make_layer())
    new = make_category(layer=make_layer())
    leader, follower = measured_tool(old, 9000), measured_tool(old, 500)
    incumbent = measured_tool(new, 100)
    recompute_rankings()
    assert Tool.objects.get(pk=follower.pk).rank_in_category == 2

    services.tools_move_to_category(tools=[leader], category=new)

    ranks = {t.pk: (t.rank_in_category, t.rank_in_layer) for t in Tool.objects.all()}
    assert ranks[follower.pk] == (1, 1)  # moved up in the category and layer it was left in
    assert ranks[leader.pk] == (1, 1)
    assert ranks[incumbent.pk] == (2, 2)


def test_moving_a_tool_into_one_of_its_secondary_categories_drops_that_secondary_placement():
    new, other = make_category(), make_category()
    tool = make_tool()
    tool.secondary_categories.set([new, other])

    services.tools_move_to_category(tools=[tool], category=new)

    assert list(Tool.objects.get(pk=tool.pk).secondary_categories.all()) == [other]


def test_moving_tools_already_in_the_category_changes_and_logs_nothing(curator):
    category = make_category()
    tool = make_tool(category=category)

    assert services.tools_move_to_category(tools=[tool], category=category, user=curator) == 0
    assert not LogEntry.objects.exists()


# --- Flags ----------------------------------------------------------------------------------


def test_featuring_changes_only_tools_not_yet_featured_and_logs_each(curator):
    plain, starred = make_tool(), make_tool(featured=True)

    changed = services.tools_set_featured(tools=Tool.objects.all(), featured=True, user=curator)

    assert changed == 1
    assert Tool.objects.filter(featured=True).count() == 2
    assert log_messages(plain) == ["Changed Featured."]
    assert log_messages(starred) == []


def test_hiding_a_tool_takes_it_out_of_the_public_ranks():
    category = make_category()
    top, second = measured_tool(category, 8000), measured_tool(category, 400)
    recompute_rankings()
    assert Tool.objects.get(pk=second.pk).rank_in_category == 2

    assert services.tools_set_hidden(tools=[top], hidden=True) == 1

    top.refresh_from_db()
    second.refresh_from_db()
    assert top.hidden
    assert top.rank_in_category is None
    assert second.rank_in_category == 1
    assert not Tool.objects.listed().filter(pk=top.pk).exists()


def test_unhiding_shows_a_tool_again(curator):
    tool = make_tool(hidden=True)

    assert services.tools_set_hidden(tools=[tool], hidden=False, user=curator) == 1
    assert Tool.objects.listed().filter(pk=tool.pk).exists()
    assert log_messages(tool) == ["Changed Hidden."]


def test_a_write_without_a_user_changes_the_data_but_logs_nothing():
    tool = make_tool()

    services.tools_set_featured(tools=[tool], featured=True)

    assert Tool.objects.get(pk=tool.pk).featured
    assert not LogEntry.objects.exists()


# --- Deprecation ----------------------------------------------------------------------------


def test_marking_deprecated_records_the_replacement(curator):
    old, successor = make_tool("acme/old"), make_tool("acme/new")

    assert services.tools_mark_deprecated(tools=[old], replaced_by=successor, user=curator) == 1

    old.refresh_from_db()
    assert old.deprecated
    assert old.replaced_by == successor
    assert log_messages(old) == ["Marked deprecated, replaced by acme/new."]


def test_marking_deprecated_without_a_replacement():
    tool = make_tool()

    services.tools_mark_deprecated(tools=Tool.objects.filter(pk=tool.pk))

    tool.refresh_from_db()
    assert tool.deprecated
    assert tool.replaced_by is None


def test_a_tool_cannot_be_its_own_replacement_and_nothing_is_written():
    a, b = make_tool("acme/a"), make_tool("acme/b")

    with pytest.raises(CurationError) as error:
        services.tools_mark_deprecated(tools=[a, b], replaced_by=a)

    assert error.value.field == "replaced_by"
    assert "acme/a cannot replace itself" in str(error.value)
    assert not Tool.objects.filter(deprecated=True).exists()


# --- Curated fields -------------------------------------------------------------------------


def test_updating_curated_fields_saves_them_logs_them_and_makes_them_searchable(curator):
    tool = make_tool("acme/engine")

    services.tool_update_curated(
        tool=tool,
        fields={"display_name": "Acme Engine", "homepage": "https://acme.dev", "featured": True},
        user=curator,
    )

    tool.refresh_from_db()
    assert (tool.display_name, tool.homepage, tool.featured) == (
        "Acme Engine",
        "https://acme.dev",
        True,
    )
    assert "Acme Engine" in tool.search_document
    [entry] = LogEntry.objects.filter(object_id=str(tool.pk))
    assert entry.action_flag == CHANGE
    assert json.loads(entry.change_message) == [
        {"changed": {"fields": ["Display name", "Homepage", "Featured"]}}
    ]


def test_updating_a_field_that_is_not_curated_is_refused_by_name():
    tool = make_tool(stars=10)

    with pytest.raises(CurationError) as error:
        services.tool_update_curated(tool=tool, fields={"stars": 0})

    assert error.value.field == "stars"
    assert Tool.objects.get(pk=tool.pk).stars == 10


def test_an_invalid_curated_value_is_refused_by_name_and_nothing_is_saved():
    tool = make_tool(display_name="Kept")

    with pytest.raises(CurationError) as error:
        services.tool_update_curated(
            tool=tool, fields={"display_name": "New", "homepage": "not a url"}
        )

    assert error.value.field == "homepage"
    assert Tool.objects.get(pk=tool.pk).display_name == "Kept"
    assert tool.display_name == "Kept"


# --- Refresh failures -----------------------------------------------------------------------


def test_resetting_refresh_failures_lets_the_schedule_retry_and_says_how_many_there_were(
    curator,
):
    failing = make_tool(consecutive_failures=5, last_refresh_error="502 Bad Gateway")
    healthy = make_tool()

    assert services.tools_reset_refresh_failures(tools=[failing, healthy], user=curator) == 1

    failing.refresh_from_db()
    assert failing.consecutive_failures == 0
    assert failing.last_refresh_error == "502 Bad Gateway"  # kept until the next refresh
    assert log_messages(failing) == ["Reset refresh failures (was 5 in a row)."]
    assert log_messages(healthy) == []


def test_queueing_a_refresh_sends_the_tools_after_commit(
    queued, django_capture_on_commit_callbacks, settings
):
    settings.GITHUB_BATCH_SIZE = 2
    tools = [make_tool() for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        assert services.tools_queue_refresh(tools=Tool.objects.all()) == 3
        assert queued == []  # nothing leaves before the transaction commits

    ids = sorted(tool.pk for tool in tools)
    assert queued == [{"tool_ids": ids[:2]}, {"tool_ids": ids[2:]}]
