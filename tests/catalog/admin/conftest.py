"""Fixtures for the admin tests: a logged-in superuser (pytest-django's admin_client) and a
small catalog with one of everything the admin shows."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from catalog.models import (
    FormerName,
    MetricSnapshot,
    RefreshRun,
    Suggestion,
    Topic,
)
from tests.factories import make_category, make_layer, make_snapshot, make_tool


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The admin_client's superuser needs a password; a fast hash keeps setup quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_catalog(django_user_model):
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
