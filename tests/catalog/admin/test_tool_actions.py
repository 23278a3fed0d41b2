"""Bulk actions on tools and the tool form: the data, the admin log and the message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry

from catalog.models import (
    Category,
    Tool,
)
from tests.catalog.admin.helpers import (
    admin_url,
    logged,
    post_action,
)
from tests.factories import make_category, make_tool

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "start", "field", "value", "message"),
    [
        ("feature", {}, "featured", True, "Changed Featured."),
        ("unfeature", {"featured": True}, "featured", False, "Changed Featured."),
        ("hide", {}, "hidden", True, "Changed Hidden."),
        ("unhide", {"hidden": True}, "hidden", False, "Changed Hidden."),
        (
            "reset_refresh_failures",
            {"consecutive_failures": 4},
            "consecutive_failures",
            0,
            "Reset refresh failures (was 4 in a row).",
        ),
    ],
)
def test_a_flag_action_changes_the_selected_tools_and_logs_it(
    admin_client, admin_user, action, start, field, value, message
):
    chosen, other = make_tool(**start), make_tool(**start)

    response = post_action(admin_client, action, [chosen])

    assert response.status_code == 302
    assert getattr(Tool.objects.get(pk=chosen.pk), field) == value
    assert getattr(Tool.objects.get(pk=other.pk), field) != value
    assert logged(chosen) == [message]
    assert LogEntry.objects.get(object_id=str(chosen.pk)).user == admin_user
    assert logged(other) == []
    followed = admin_client.get(response.url)
    assert "1 tool " in followed.text


def test_move_to_category_asks_for_the_category_first(admin_client, admin_catalog):
    response = post_action(admin_client, "move_to_category", [admin_catalog["tool"]])

    assert response.status_code == 200
    assert "Move tools to another category" in response.text
    assert "acme/engine" in response.text
    assert f'<option value="{admin_catalog["other"].pk}">' in response.text
    assert Tool.objects.get(pk=admin_catalog["tool"].pk).category == admin_catalog["category"]


def test_move_to_category_moves_the_selection_and_logs_it(admin_client, admin_catalog):
    tool, other = admin_catalog["tool"], admin_catalog["other"]

    response = post_action(
        admin_client, "move_to_category", [tool], apply="Move", category=other.pk
    )

    assert response.status_code == 302
    assert Tool.objects.get(pk=tool.pk).category == other
    assert logged(tool) == [f"Moved to category “{other}” (was “{admin_catalog['category']}”)."]
    assert "1 tool moved to" in admin_client.get(response.url).text


def test_move_to_category_without_a_choice_shows_the_error_and_moves_nothing(
    admin_client, admin_catalog
):
    response = post_action(admin_client, "move_to_category", [admin_catalog["tool"]], apply="Move")

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Tool.objects.get(pk=admin_catalog["tool"].pk).category == admin_catalog["category"]


def test_move_to_category_across_all_filtered_pages_moves_only_the_filtered_tools(
    admin_client, admin_catalog
):
    target = make_category()
    rust = [make_tool(language="Rust") for _ in range(3)]

    response = post_action(
        admin_client,
        "move_to_category",
        rust[:1],
        query="?language=Rust",
        select_across="1",
        apply="Move",
        category=target.pk,
    )

    assert response.status_code == 302
    moved = set(Tool.objects.filter(category=target).values_list("pk", flat=True))
    assert moved == {admin_catalog["tool"].pk, *(t.pk for t in rust)}
    assert Tool.objects.get(pk=admin_catalog["bystander"].pk).category == admin_catalog["other"]


def test_mark_deprecated_asks_for_an_optional_replacement(admin_client, admin_catalog):
    tool, successor = admin_catalog["tool"], admin_catalog["bystander"]

    page = post_action(admin_client, "mark_deprecated", [tool])
    assert page.status_code == 200
    assert "Replaced by" in page.text
    assert "admin/js/autocomplete.js" in page.text

    response = post_action(
        admin_client, "mark_deprecated", [tool], apply="Mark", replaced_by=successor.pk
    )

    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.deprecated
    assert tool.replaced_by == successor
    assert logged(tool) == ["Marked deprecated, replaced by zeta/db."]


def test_mark_deprecated_refuses_a_tool_replacing_itself(admin_client, admin_catalog):
    tool = admin_catalog["tool"]

    response = post_action(
        admin_client, "mark_deprecated", [tool], apply="Mark", replaced_by=tool.pk
    )

    assert "cannot replace itself" in admin_client.get(response.url).text
    assert not Tool.objects.get(pk=tool.pk).deprecated


def test_refresh_now_queues_the_selected_tools(
    admin_client, admin_catalog, monkeypatch, django_capture_on_commit_callbacks
):
    from workers import tasks

    calls = []
    monkeypatch.setattr(tasks.refresh_batch, "delay", lambda **kw: calls.append(kw))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(admin_client, "refresh_now", [admin_catalog["tool"]])

    assert response.status_code == 302
    assert calls == [{"tool_ids": [admin_catalog["tool"].pk]}]


def test_editing_a_tool_in_the_form_saves_curated_fields_and_logs_them(admin_client, admin_catalog):
    tool = admin_catalog["tool"]
    page = admin_client.get(admin_url(Tool, "change", tool.pk))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in ("category", "display_name", "homepage", "short_description", "curator_notes")
    }
    data.update(
        {
            "category": admin_catalog["other"].pk,
            "display_name": "Acme Engine",
            "homepage": "acme.example.org",
            "featured": "on",
            "former_names-TOTAL_FORMS": 1,
            "former_names-INITIAL_FORMS": 1,
            "former_names-0-id": tool.former_names.get().pk,
            "former_names-0-tool": tool.pk,
            "former_names-0-full_name": "acme/old-engine",
        }
    )

    response = admin_client.post(admin_url(Tool, "change", tool.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    tool.refresh_from_db()
    assert (tool.display_name, tool.featured, tool.category) == (
        "Acme Engine",
        True,
        admin_catalog["other"],
    )
    assert tool.homepage == "https://acme.example.org"  # typed without a scheme: https
    assert tool.stars == 1200  # read-only metrics untouched
    assert "Acme Engine" in tool.search_document
    assert "Display name" in logged(tool)[0]


# --- Curation survives a re-import ----------------------------------------------------------


def test_curation_done_in_the_admin_survives_a_reimport(admin_client, tmp_path):
    from catalog.importing import catalog_import

    source = Path(__file__).parent.parent / "importing" / "import_fixtures" / "csv_catalog"
    shutil.copytree(source, tmp_path / "catalog")
    catalog_import(paths=[tmp_path / "catalog"])
    tool = Tool.objects.get(full_name="acme/serve")
    target = Category.objects.get(slug="vector-search")

    post_action(admin_client, "move_to_category", [tool], apply="Move", category=target.pk)
    post_action(admin_client, "feature", [tool])
    post_action(admin_client, "hide", [tool])
    post_action(admin_client, "mark_deprecated", [tool], apply="Mark")
    catalog_import(paths=[tmp_path / "catalog"])

    tool.refresh_from_db()
    assert (tool.category, tool.featured, tool.hidden, tool.deprecated) == (
        target,
        True,
        True,
        True,
    )


def test_staff_who_may_only_view_tools_get_no_bulk_actions(
    client, django_user_model, admin_catalog
):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_tool"))
    client.force_login(viewer)

    page = client.get(admin_url(Tool, "changelist"))
    response = post_action(client, "feature", [admin_catalog["tool"]])

    assert page.status_code == 200
    assert "acme/engine" in page.text
    assert 'name="action"' not in page.text
    assert response.status_code != 500
    assert not Tool.objects.get(pk=admin_catalog["tool"].pk).featured
    assert not LogEntry.objects.exists()
