"""Small helpers the admin tests share: URLs, posting an action, reading the admin log."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Suggestion, Tool


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:catalog_{model._meta.model_name}_{page}", args=args)


def changelist_names(admin_client, params: dict) -> set[str]:
    response = admin_client.get(admin_url(Tool, "changelist"), params)
    assert response.status_code == 200
    return {tool.full_name for tool in response.context["cl"].result_list}


def post_action(admin_client, action: str, tools, query: str = "", **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [t.pk for t in tools], "index": 0, **extra}
    return admin_client.post(admin_url(Tool, "changelist") + query, data)


def logged(obj) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(obj.pk), content_type__model="tool")
    return [entry.get_change_message() for entry in entries.order_by("pk")]


def post_suggestion_action(admin_client, action: str, suggestions, **extra):
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [s.pk for s in suggestions],
        "index": 0,
        **extra,
    }
    return admin_client.post(admin_url(Suggestion, "changelist"), data)


def count_queries(admin_client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(queries)
