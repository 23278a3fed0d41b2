"""The star-integrity evidence on a tool's admin page: read-only, with the thresholds crossed,
the busiest window, what the score leaves out, and the logged way to clear it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from catalog.models import Tool
from tests.catalog.admin.helpers import admin_url, logged, post_action
from tests.factories import make_tool

pytestmark = pytest.mark.django_db

#: What the daily pass stores for a bought burst (catalog.services.integrity): 4,042 stars in
#: the 14 days from 22 Apr 2025, then 180 in the 60 days after.
FLAGGED = {
    "version": "2026.12-1",
    "above": ["burst"],
    "signals": {
        "burst": {
            "above": True,
            "start": "2025-04-22",
            "stars": 4042,
            "share": 0.871,
            "next_60_days": 180,
            "next_60_ratio": 0.045,
            "total": 4640,
        },
        "vanished": {"above": False, "day": "2025-05-10", "observed": 4100, "stars": 3},
    },
}


def flagged_tool() -> Tool:
    return make_tool(
        "bought/burst",
        integrity_status="needs-review",
        integrity_signals=FLAGGED,
        integrity_checked_at=timezone.now(),
    )


def test_the_change_page_shows_the_evidence_read_only(admin_client):
    tool = flagged_tool()

    page = admin_client.get(admin_url(Tool, "change", tool.pk)).content.decode()

    assert "Star integrity (evidence, never a verdict" in page
    assert "above its threshold" in page  # the burst
    assert "the busiest 14 days hold ≥ 50% of all stars" in page  # the threshold crossed
    assert "<strong>Busiest 14 days</strong>: 2025-04-22 to 2025-05-05, 4042 stars" in page
    assert "the 60 days after added 180 (4% of the burst)" in page
    # 4,042 - 14 × (180 / 60) = 4,000 left out while it needs review (formula 2026.12-2).
    assert "trending and the score leave out 4,000 stars of this burst" in page
    assert "run “Clear the star-integrity review (with a note)…”" in page
    # Read-only: no input for the evidence, the status or the note.
    for field in ("integrity_signals", "integrity_status", "integrity_note"):
        assert f'name="{field}"' not in page


def test_saving_the_change_page_leaves_the_evidence_and_note_as_they_were(admin_client):
    tool = flagged_tool()
    url = admin_url(Tool, "change", tool.pk)
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "category": tool.category_id,
            "integrity_status": "cleared",  # not a field: ignored
            "integrity_note": "sneaked in",
            "former_names-TOTAL_FORMS": 0,
            "former_names-INITIAL_FORMS": 0,
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302  # saved
    tool.refresh_from_db()
    assert (tool.integrity_status, tool.integrity_note) == ("needs-review", "")


def test_a_tool_never_checked_says_so(admin_client):
    tool = make_tool("new/tool")

    page = admin_client.get(admin_url(Tool, "change", tool.pk)).content.decode()

    assert "Not checked yet" in page


def test_clearing_with_a_note_is_logged_and_the_page_then_shows_no_discount(admin_client):
    tool = flagged_tool()

    post_action(
        admin_client, "clear_integrity_review", [tool], apply="Clear",
        note="A keynote demo; the stars are real.",
    )  # fmt: skip

    tool.refresh_from_db()
    assert (tool.integrity_status, tool.integrity_note) == (
        "cleared",
        "A keynote demo; the stars are real.",
    )
    assert logged(tool) == ["Star-integrity review cleared: A keynote demo; the stars are real."]
    page = admin_client.get(admin_url(Tool, "change", tool.pk)).content.decode()
    assert "A keynote demo; the stars are real." in page
    assert "leave out" not in page
    assert "Clear the star-integrity review" not in page.split("Star integrity (evidence")[1]
