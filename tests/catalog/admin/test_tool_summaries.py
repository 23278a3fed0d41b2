"""A deletion in the admin reaches the landscape's stored summaries (moves and hides go
through catalog.services and are tested with the summaries)."""

from __future__ import annotations

import pytest

from catalog.models import Tool
from catalog.summaries import layer_summaries
from catalog.summary_store import summaries_rebuild
from tests.catalog.admin.helpers import admin_url

pytestmark = pytest.mark.django_db


def _tools_in(layer_slug: str) -> int:
    return next(s.tool_count for s in layer_summaries(top=0) if s.layer.slug == layer_slug)


def test_deleting_a_tool_in_the_admin_takes_it_out_of_its_layers_count(admin_client, admin_catalog):
    summaries_rebuild()
    assert _tools_in("models") == 1

    tool = admin_catalog["tool"]
    response = admin_client.post(admin_url(Tool, "delete", tool.pk), {"post": "yes"})

    assert response.status_code == 302
    assert _tools_in("models") == 0
