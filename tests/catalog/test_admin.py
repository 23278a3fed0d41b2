"""Django admin for curators: every page renders, bulk actions change the data and the admin log,
and list pages run a fixed number of queries however many rows they show."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import (
    Category,
    FormerName,
    Layer,
    MetricSnapshot,
    RefreshRun,
    Suggestion,
    Tool,
    Topic,
)
from tests.factories import make_category, make_layer, make_snapshot, make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The admin_client's superuser needs a password; a fast hash keeps setup quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalog(django_user_model):
    """A small catalog with one of everything the admin shows."""
    layer = make_layer("models", name="Models")
    category = make_category("llm-serving", layer=layer, name="LLM serving")
    other = make_category("vector-databases", name="Vector databases")
    tool = make_tool(
        "acme/engine",
        category=category,
        description="<script>alert('x')</script> fast inference",
        language="Rust",
        license_spdx="Apache-2.0",
        stars=1200,
        stars_gained_30d=40,
        score=55.5,
        source="awesome-llm",
        source_label="Inference engines",
        also_listed_in="awesome-ai",
        last_refreshed_at=timezone.now(),
        last_refresh_error="502 Bad Gateway",
        consecutive_failures=3,
    )
    topic = Topic.objects.create(name="inference")
    tool.topics.add(topic)
    tool.search_document = tool.compose_search_document()
    tool.save()
    FormerName.objects.create(tool=tool, full_name="acme/old-engine")
    make_snapshot(tool, date(2026, 11, 1), stars=1100, forks=10, source="awesome-llm")
    make_snapshot(tool, date(2026, 11, 28), stars=1200, forks=12, source="github")
    bystander = make_tool("zeta/db", category=other, language="Go", stars=5)
    run = RefreshRun.objects.create(tools_total=2, tools_ok=1, tools_failed=1, github_requests=3)
    suggestion = Suggestion.objects.create(full_name="new/tool", category=other, reason="cool")
    return {
        "layer": layer,
        "category": category,
        "other": other,
        "tool": tool,
        "bystander": bystander,
        "topic": topic,
        "run": run,
        "suggestion": suggestion,
        "snapshot": MetricSnapshot.objects.filter(tool=tool).first(),
        "curator": django_user_model.objects.create_user("curator", is_staff=True),
    }


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:catalog_{model._meta.model_name}_{page}", args=args)


# --- Every page renders ---------------------------------------------------------------------

PAGES = [
    (Layer, "layer", True),
    (Category, "category", True),
    (Topic, "topic", True),
    (Tool, "tool", True),
    (MetricSnapshot, "snapshot", False),
    (RefreshRun, "run", False),
    (Suggestion, "suggestion", False),
]


def test_the_admin_log_is_browsable_and_read_only(admin_client, catalog):
    from catalog import services

    services.tools_set_featured(tools=[catalog["tool"]], featured=True, user=catalog["curator"])
    url = reverse("admin:admin_logentry_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "acme/engine" in response.text and "Changed Featured." in response.text
    entry = LogEntry.objects.get()
    assert (
        admin_client.get(reverse("admin:admin_logentry_change", args=[entry.pk])).status_code == 200
    )
    assert (
        admin_client.get(reverse("admin:admin_logentry_delete", args=[entry.pk])).status_code == 403
    )


@pytest.mark.parametrize(("model", "key", "can_add"), PAGES)
def test_every_admin_page_renders_for_a_superuser(admin_client, catalog, model, key, can_add):
    obj = catalog[key]

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == (200 if can_add else 403)


def test_the_catalog_app_index_lists_every_model(admin_client, catalog):
    response = admin_client.get(reverse("admin:app_list", args=["catalog"]))

    for name in ("Layers", "Categories", "Topics", "Tools", "Metric snapshots", "Refresh runs"):
        assert name in response.text
    assert "Suggestions" in response.text


def test_a_tool_description_with_a_script_tag_shows_as_text(admin_client, catalog):
    response = admin_client.get(admin_url(Tool, "change", catalog["tool"].pk))

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; fast inference" in response.text
    assert "<script>alert(" not in response.text


def test_the_tool_page_shows_provenance_refresh_state_topics_and_recent_snapshots(
    admin_client, catalog
):
    response = admin_client.get(admin_url(Tool, "change", catalog["tool"].pk))

    text = response.text
    for shown in ("awesome-llm", "Inference engines", "awesome-ai", "inference", "502 Bad Gateway"):
        assert shown in text
    assert "acme/old-engine" in text  # former names inline
    assert "<td>2026-11-28</td><td>1,200</td><td>12</td><td>—</td>" in text  # NULL is not 0
    # metrics are read-only: no input for stars
    assert 'name="stars"' not in text
    assert 'name="display_name"' in text
    assert "Score breakdown" in text and "Formula " in text


def test_the_tool_page_lists_at_most_the_latest_30_snapshots(admin_client):
    tool = make_tool()
    first = date(2026, 1, 1)
    MetricSnapshot.objects.bulk_create(
        MetricSnapshot(tool=tool, date=first + timedelta(days=n), stars=n) for n in range(40)
    )

    text = admin_client.get(admin_url(Tool, "change", tool.pk)).text

    assert text.count("<tr><td>2026-") == 30
    assert "<td>2026-02-09</td>" in text  # the newest day (day 39)
    assert "<td>2026-01-11</td>" in text  # the 30th newest (day 10)
    assert "<td>2026-01-10</td>" not in text  # day 9 is older than the latest 30


# --- Tool changelist: search and filters ----------------------------------------------------


def changelist_names(admin_client, params: dict) -> set[str]:
    response = admin_client.get(admin_url(Tool, "changelist"), params)
    assert response.status_code == 200
    return {tool.full_name for tool in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "term",
    ["acme/engine", "ENGINE", "fast inference", "inference"],
    ids=["owner/name", "name in another case", "description words", "topic"],
)
def test_tool_search_finds_a_tool_by_name_description_or_topic(admin_client, catalog, term):
    assert changelist_names(admin_client, {"q": term}) == {"acme/engine"}


@pytest.mark.parametrize("term", ["c++ & ':*|!(", "  ", "ünïcode"])
def test_tool_search_survives_punctuation_and_finds_nothing_odd(admin_client, catalog, term):
    names = changelist_names(admin_client, {"q": term})

    assert names == ({"acme/engine", "zeta/db"} if not term.strip() else set())


def test_tool_search_matches_the_start_of_a_word(admin_client, catalog):
    assert changelist_names(admin_client, {"q": "infer"}) == {"acme/engine"}


def test_tool_search_by_display_name(admin_client, catalog):
    tool = catalog["bystander"]
    tool.display_name = "Zeta Store"
    tool.search_document = tool.compose_search_document()
    tool.save()

    assert changelist_names(admin_client, {"q": "zeta store"}) == {"zeta/db"}


def test_a_tool_with_several_matching_topics_is_listed_once(admin_client, catalog):
    tool = catalog["tool"]
    tool.topics.add(Topic.objects.create(name="inference-server"))
    tool.search_document = tool.compose_search_document()
    tool.save()

    response = admin_client.get(admin_url(Tool, "changelist"), {"q": "inference"})

    assert [t.full_name for t in response.context["cl"].result_list] == ["acme/engine"]


def tool_filters(catalog) -> list[tuple[dict, set[str]]]:
    return [
        ({"layer": catalog["layer"].pk}, {"acme/engine"}),
        ({"category": catalog["other"].pk}, {"zeta/db", "no/language"}),
        ({"status__exact": "active"}, {"acme/engine", "zeta/db", "no/language"}),
        ({"language": "Go"}, {"zeta/db"}),
        ({"license_spdx": "Apache-2.0"}, {"acme/engine"}),
        ({"featured__exact": "1"}, set()),
        ({"hidden__exact": "0"}, {"acme/engine", "zeta/db", "no/language"}),
        ({"deprecated__exact": "0"}, {"acme/engine", "zeta/db", "no/language"}),
        ({"refresh": "failing"}, {"acme/engine"}),
        ({"refresh": "never"}, {"zeta/db"}),
        ({"refresh": "ok"}, {"no/language"}),
        ({"language": ""}, {"no/language"}),
    ]


def test_each_tool_filter_narrows_the_list(admin_client, catalog):
    make_tool("no/language", category=catalog["other"], last_refreshed_at=timezone.now())
    for params, expected in tool_filters(catalog):
        assert changelist_names(admin_client, params) == expected, params


def test_the_filter_sidebar_offers_categories_with_their_layer_and_each_language_once(
    admin_client, catalog
):
    make_tool(category=catalog["other"], language="Rust")

    response = admin_client.get(admin_url(Tool, "changelist"))

    assert "Models › LLM serving" in response.text
    filters = {
        s.title: getattr(s, "lookup_choices", None) for s in response.context["cl"].filter_specs
    }
    assert filters["language"] == [("Go", "Go"), ("Rust", "Rust")]
    assert filters["licence"] == [("", "(none)"), ("Apache-2.0", "Apache-2.0")]


# --- Bulk actions ---------------------------------------------------------------------------


def post_action(admin_client, action: str, tools, query: str = "", **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [t.pk for t in tools], "index": 0, **extra}
    return admin_client.post(admin_url(Tool, "changelist") + query, data)


def logged(obj) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(obj.pk), content_type__model="tool")
    return [entry.get_change_message() for entry in entries.order_by("pk")]


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


def test_move_to_category_asks_for_the_category_first(admin_client, catalog):
    response = post_action(admin_client, "move_to_category", [catalog["tool"]])

    assert response.status_code == 200
    assert "Move tools to another category" in response.text
    assert "acme/engine" in response.text
    assert f'<option value="{catalog["other"].pk}">' in response.text
    assert Tool.objects.get(pk=catalog["tool"].pk).category == catalog["category"]


def test_move_to_category_moves_the_selection_and_logs_it(admin_client, catalog):
    tool, other = catalog["tool"], catalog["other"]

    response = post_action(
        admin_client, "move_to_category", [tool], apply="Move", category=other.pk
    )

    assert response.status_code == 302
    assert Tool.objects.get(pk=tool.pk).category == other
    assert logged(tool) == [f"Moved to category “{other}” (was “{catalog['category']}”)."]
    assert "1 tool moved to" in admin_client.get(response.url).text


def test_move_to_category_without_a_choice_shows_the_error_and_moves_nothing(admin_client, catalog):
    response = post_action(admin_client, "move_to_category", [catalog["tool"]], apply="Move")

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Tool.objects.get(pk=catalog["tool"].pk).category == catalog["category"]


def test_move_to_category_across_all_filtered_pages_moves_only_the_filtered_tools(
    admin_client, catalog
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
    assert moved == {catalog["tool"].pk, *(t.pk for t in rust)}
    assert Tool.objects.get(pk=catalog["bystander"].pk).category == catalog["other"]


def test_mark_deprecated_asks_for_an_optional_replacement(admin_client, catalog):
    tool, successor = catalog["tool"], catalog["bystander"]

    page = post_action(admin_client, "mark_deprecated", [tool])
    assert page.status_code == 200
    assert "Replaced by" in page.text
    assert "admin/js/autocomplete.js" in page.text

    response = post_action(
        admin_client, "mark_deprecated", [tool], apply="Mark", replaced_by=successor.pk
    )

    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.deprecated and tool.replaced_by == successor
    assert logged(tool) == ["Marked deprecated, replaced by zeta/db."]


def test_mark_deprecated_refuses_a_tool_replacing_itself(admin_client, catalog):
    tool = catalog["tool"]

    response = post_action(
        admin_client, "mark_deprecated", [tool], apply="Mark", replaced_by=tool.pk
    )

    assert "cannot replace itself" in admin_client.get(response.url).text
    assert not Tool.objects.get(pk=tool.pk).deprecated


def test_refresh_now_queues_the_selected_tools(
    admin_client, catalog, monkeypatch, django_capture_on_commit_callbacks
):
    from workers import tasks

    calls = []
    monkeypatch.setattr(tasks.refresh_batch, "delay", lambda **kw: calls.append(kw))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(admin_client, "refresh_now", [catalog["tool"]])

    assert response.status_code == 302
    assert calls == [{"tool_ids": [catalog["tool"].pk]}]


def test_editing_a_tool_in_the_form_saves_curated_fields_and_logs_them(admin_client, catalog):
    tool = catalog["tool"]
    page = admin_client.get(admin_url(Tool, "change", tool.pk))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in ("category", "display_name", "homepage", "short_description", "curator_notes")
    }
    data.update(
        {
            "category": catalog["other"].pk,
            "display_name": "Acme Engine",
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
        catalog["other"],
    )
    assert tool.stars == 1200  # read-only metrics untouched
    assert "Acme Engine" in tool.search_document
    assert "Display name" in logged(tool)[0]


# --- Suggestions ----------------------------------------------------------------------------


def post_suggestion_action(admin_client, action: str, suggestions, **extra):
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [s.pk for s in suggestions],
        "index": 0,
        **extra,
    }
    return admin_client.post(admin_url(Suggestion, "changelist"), data)


def test_pending_suggestions_are_listed_first(admin_client, catalog):
    reviewed = Suggestion.objects.create(
        full_name="late/reviewed", category=catalog["other"], status=Suggestion.Status.REJECTED
    )

    response = admin_client.get(admin_url(Suggestion, "changelist"))

    names = [s.full_name for s in response.context["cl"].result_list]
    assert names == ["new/tool", reviewed.full_name]


def test_approving_a_suggestion_adds_the_tool_and_queues_its_first_refresh(
    admin_client, admin_user, catalog, monkeypatch, django_capture_on_commit_callbacks
):
    from workers import tasks

    calls = []
    monkeypatch.setattr(tasks.refresh_batch, "delay", lambda **kw: calls.append(kw))
    suggestion = catalog["suggestion"]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_suggestion_action(admin_client, "approve", [suggestion])

    assert response.status_code == 302
    tool = Tool.objects.get(full_name="new/tool")
    assert tool.category == catalog["other"]
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.APPROVED
    assert (suggestion.reviewed_by, suggestion.tool) == (admin_user, tool)
    assert calls == [{"tool_ids": [tool.pk]}]
    assert "1 suggestion approved." in admin_client.get(response.url).text


def test_reject_asks_for_a_reason_then_records_it(admin_client, admin_user, catalog):
    suggestion = catalog["suggestion"]

    page = post_suggestion_action(admin_client, "reject", [suggestion])
    assert page.status_code == 200
    assert "Reject suggestions" in page.text and 'name="reason"' in page.text

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


def test_reject_without_a_reason_keeps_the_suggestion_pending(admin_client, catalog):
    suggestion = catalog["suggestion"]

    response = post_suggestion_action(admin_client, "reject", [suggestion], apply="Reject")

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.PENDING


def test_a_reviewed_suggestion_is_not_reviewed_again(admin_client, catalog):
    suggestion = catalog["suggestion"]
    Suggestion.objects.filter(pk=suggestion.pk).update(status=Suggestion.Status.REJECTED)

    response = post_suggestion_action(admin_client, "approve", [suggestion])

    assert "already rejected" in admin_client.get(response.url).text
    assert not Tool.objects.filter(full_name="new/tool").exists()


# --- Refresh audit --------------------------------------------------------------------------


def test_refresh_runs_are_a_read_only_audit_newest_first(admin_client):
    older = RefreshRun.objects.create(tools_total=5)
    newer = RefreshRun.objects.create(
        tools_total=50,
        tools_ok=47,
        tools_failed=3,
        github_requests=2,
        rate_limit_points=2,
        rate_limit_remaining=4998,
        rate_limit_reset_at=timezone.now(),
        error_summary="3 × 502 Bad Gateway",
    )

    listing = admin_client.get(admin_url(RefreshRun, "changelist"))
    detail = admin_client.get(admin_url(RefreshRun, "change", newer.pk))

    assert [run.pk for run in listing.context["cl"].result_list] == [newer.pk, older.pk]
    assert "4998" in detail.text and "3 × 502 Bad Gateway" in detail.text
    assert 'name="_save"' not in detail.text
    before = RefreshRun.objects.get(pk=newer.pk).tools_ok
    admin_client.post(admin_url(RefreshRun, "change", newer.pk), {"tools_ok": 0})
    assert RefreshRun.objects.get(pk=newer.pk).tools_ok == before


def test_snapshot_search_takes_an_exact_owner_and_name(admin_client, catalog):
    response = admin_client.get(admin_url(MetricSnapshot, "changelist"), {"q": "ACME/Engine"})

    dates = [s.date for s in response.context["cl"].result_list]
    assert dates == [date(2026, 11, 28), date(2026, 11, 1)]  # newest first


# --- Speed: a fixed number of queries per page ----------------------------------------------


def count_queries(admin_client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_tool_changelist_runs_the_same_queries_for_5_and_50_rows(admin_client):
    categories = [make_category() for _ in range(5)]
    url = admin_url(Tool, "changelist")
    for n in range(5):
        make_tool(category=categories[n % 5], stars=n)
    admin_client.get(url)  # warm the session and content-type caches
    few = count_queries(admin_client, url)

    for n in range(45):
        make_tool(category=categories[n % 5], stars=n)
    many = count_queries(admin_client, url)

    assert Tool.objects.count() == 50
    assert few == many


def test_the_snapshot_changelist_runs_the_same_queries_for_5_and_50_rows(admin_client):
    tools = [make_tool() for _ in range(10)]
    url = admin_url(MetricSnapshot, "changelist")
    for n in range(5):
        make_snapshot(tools[n], date(2026, 1, 1), stars=n)
    admin_client.get(url)
    few = count_queries(admin_client, url)

    for n in range(45):
        make_snapshot(tools[n % 10], date(2026, 1, 2) + timedelta(days=n), stars=n)
    many = count_queries(admin_client, url)

    assert MetricSnapshot.objects.count() == 50
    assert few == many


# --- Curation survives a re-import ----------------------------------------------------------


def test_curation_done_in_the_admin_survives_a_reimport(admin_client, tmp_path):
    from catalog.importer import catalog_import

    source = Path(__file__).parent / "import_fixtures" / "csv_catalog"
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


def test_a_curator_can_add_a_tool_by_hand_and_find_it(admin_client, catalog):
    data = {
        "full_name": "hand/added",
        "category": catalog["other"].pk,
        "short_description": "Added by a curator",
        "former_names-TOTAL_FORMS": 0,
        "former_names-INITIAL_FORMS": 0,
    }

    response = admin_client.post(admin_url(Tool, "add"), data)

    assert response.status_code == 302
    tool = Tool.objects.get(full_name="hand/added")
    assert tool.stars is None  # not measured until its first refresh
    assert changelist_names(admin_client, {"q": "curator"}) == {"hand/added"}


def test_a_pending_suggestions_category_can_be_corrected_before_approval(admin_client, catalog):
    suggestion = catalog["suggestion"]
    url = admin_url(Suggestion, "change", suggestion.pk)

    response = admin_client.post(url, {"category": catalog["category"].pk})

    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).category == catalog["category"]


def test_a_reviewed_suggestion_is_read_only(admin_client, catalog):
    suggestion = catalog["suggestion"]
    Suggestion.objects.filter(pk=suggestion.pk).update(status=Suggestion.Status.APPROVED)

    page = admin_client.get(admin_url(Suggestion, "change", suggestion.pk))

    assert 'name="category"' not in page.text


def test_a_suggestion_reason_with_a_script_tag_shows_as_text(admin_client, catalog):
    suggestion = catalog["suggestion"]
    Suggestion.objects.filter(pk=suggestion.pk).update(reason="<script>alert(1)</script>")

    page = admin_client.get(admin_url(Suggestion, "change", suggestion.pk))

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
