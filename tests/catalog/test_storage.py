"""How the catalog's tables are stored on PostgreSQL, where it matters at scale."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="fillfactor is PostgreSQL's; CI runs this file on PostgreSQL too",
    ),
]


def test_tool_pages_keep_room_for_rank_rewrites_in_place():
    """Ranks are renumbered for thousands of tools at a time; with room on each page
    PostgreSQL rewrites them without touching the table's indexes (migration 0015)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'catalog_tool'")
        (options,) = cursor.fetchone()

    assert "fillfactor=80" in (options or [])
