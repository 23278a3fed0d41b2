"""Admin "Refresh now" without a broker (``make run``): the refresh runs inside the request, so
it is capped at one batch and the curator is pointed to ``manage.py refresh_metrics``."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from catalog.models import Tool
from tests.factories import make_category, make_tool
from tests.workers.refresh_helpers import seed

pytestmark = pytest.mark.django_db


def post_action(admin_client, action: str, tools):
    data = {"action": action, ACTION_CHECKBOX_NAME: [t.pk for t in tools], "index": 0}
    return admin_client.post(reverse("admin:catalog_tool_changelist"), data)


@pytest.fixture
def no_broker(settings, monkeypatch):
    """Tasks run in the request, as with ``make run`` (no REDIS_URL)."""
    from config.celery import app

    # Celery reads the Django settings once, on first use: patch its copy first (which loads
    # it from the real settings), then the setting, so both are put back afterwards.
    monkeypatch.setattr(app.conf, "task_always_eager", True)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr("catalog.services.common.EAGER_REFRESH_LIMIT", 2)


def test_refresh_now_without_a_broker_refuses_more_than_a_batch_and_names_the_command(
    admin_client, github, settings, no_broker, django_capture_on_commit_callbacks
):
    category = make_category()
    tools = [make_tool(f"org/tool-{n}", category=category) for n in range(3)]
    for tool in tools:
        github.add_repo(tool.full_name, stars=10)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(admin_client, "refresh_now", tools)

    page = admin_client.get(response.url).text
    assert "at most 2 tools at a time (3 selected)" in page
    assert "manage.py refresh_metrics" in page
    assert github.graphql_requests == []
    assert not Tool.objects.filter(last_refreshed_at__isnull=False).exists()
    assert not LogEntry.objects.exists()  # a refused refresh leaves no "queued" entries


def test_refresh_now_without_a_broker_refreshes_a_batch_in_the_request(
    admin_client, github, settings, no_broker, django_capture_on_commit_callbacks
):
    tools = seed(github, 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(admin_client, "refresh_now", tools)

    assert "2 tools queued for a refresh." in admin_client.get(response.url).text
    assert sorted(Tool.objects.values_list("stars", flat=True)) == [1000, 1001]
