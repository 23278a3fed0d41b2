"""Every admin page renders for a curator and shows what it should, escaped."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from catalog.models import (
    Category,
    Layer,
    MetricSnapshot,
    RefreshRun,
    Suggestion,
    Tool,
    Topic,
)
from tests.catalog.admin.helpers import (
    admin_url,
    changelist_names,
)
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


PAGES = [
    (Layer, "layer", True),
    (Category, "category", True),
    (Topic, "topic", True),
    (Tool, "tool", True),
    (MetricSnapshot, "snapshot", False),
    (RefreshRun, "run", False),
    (Suggestion, "suggestion", False),
]


def test_the_admin_log_is_browsable_and_read_only(admin_client, admin_catalog):
    from catalog import services

    services.tools_set_featured(
        tools=[admin_catalog["tool"]], featured=True, user=admin_catalog["curator"]
    )
    url = reverse("admin:admin_logentry_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "acme/engine" in response.text
    assert "Changed Featured." in response.text
    entry = LogEntry.objects.get()
    detail = reverse("admin:admin_logentry_change", args=[entry.pk])
    assert admin_client.get(detail).status_code == 200
    delete = reverse("admin:admin_logentry_delete", args=[entry.pk])
    assert admin_client.get(delete).status_code == 403


@pytest.mark.parametrize(("model", "key", "can_add"), PAGES)
def test_every_admin_page_renders_for_a_superuser(admin_client, admin_catalog, model, key, can_add):
    obj = admin_catalog[key]

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == (200 if can_add else 403)


def test_the_catalog_app_index_lists_every_model(admin_client, admin_catalog):
    response = admin_client.get(reverse("admin:app_list", args=["catalog"]))

    for name in ("Layers", "Categories", "Topics", "Tools", "Metric snapshots", "Refresh runs"):
        assert name in response.text
    assert "Suggestions" in response.text


def test_a_tool_description_with_a_script_tag_shows_as_text(admin_client, admin_catalog):
    response = admin_client.get(admin_url(Tool, "change", admin_catalog["tool"].pk))

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; fast inference" in response.text
    assert "<script>alert(" not in response.text


def test_the_tool_page_shows_provenance_refresh_state_topics_and_recent_snapshots(
    admin_client, admin_catalog
):
    response = admin_client.get(admin_url(Tool, "change", admin_catalog["tool"].pk))

    text = response.text
    for shown in ("awesome-llm", "Inference engines", "awesome-ai", "inference", "502 Bad Gateway"):
        assert shown in text
    assert "acme/old-engine" in text  # former names inline
    assert "<td>2026-11-28</td><td>1,200</td><td>12</td><td>—</td>" in text  # NULL is not 0
    # metrics are read-only: no input for stars
    assert 'name="stars"' not in text
    assert 'name="display_name"' in text
    assert "Score breakdown" in text
    assert "Formula " in text


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
    assert "4998" in detail.text
    assert "3 × 502 Bad Gateway" in detail.text
    assert 'name="_save"' not in detail.text
    before = RefreshRun.objects.get(pk=newer.pk).tools_ok
    admin_client.post(admin_url(RefreshRun, "change", newer.pk), {"tools_ok": 0})
    assert RefreshRun.objects.get(pk=newer.pk).tools_ok == before


def test_snapshot_search_takes_an_exact_owner_and_name(admin_client, admin_catalog):
    response = admin_client.get(admin_url(MetricSnapshot, "changelist"), {"q": "ACME/Engine"})

    dates = [s.date for s in response.context["cl"].result_list]
    assert dates == [date(2026, 11, 28), date(2026, 11, 1)]  # newest first


def test_a_curator_can_add_a_tool_by_hand_and_find_it(admin_client, admin_catalog):
    data = {
        "full_name": "hand/added",
        "category": admin_catalog["other"].pk,
        "short_description": "Added by a curator",
        "former_names-TOTAL_FORMS": 0,
        "former_names-INITIAL_FORMS": 0,
    }

    response = admin_client.post(admin_url(Tool, "add"), data)

    assert response.status_code == 302
    tool = Tool.objects.get(full_name="hand/added")
    assert tool.stars is None  # not measured until its first refresh
    assert changelist_names(admin_client, {"q": "curator"}) == {"hand/added"}


def test_view_on_site_is_offered_only_for_tools_the_public_can_see(admin_client, admin_catalog):
    tool = admin_catalog["tool"]
    shown = admin_client.get(admin_url(Tool, "change", tool.pk)).text
    Tool.objects.filter(pk=tool.pk).update(hidden=True)
    hidden = admin_client.get(admin_url(Tool, "change", tool.pk)).text

    assert "View on site" in shown
    assert "View on site" not in hidden
