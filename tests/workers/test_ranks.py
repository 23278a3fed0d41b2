"""Ranks after a refresh: renumbered in place outside a worker and whenever the cache or the
broker cannot take the deferred re-rank (the deferral itself: ``test_celery_ranks.py``)."""

from __future__ import annotations

import pytest

from catalog.models import Tool
from tests.factories import make_category, make_tool
from workers.refresh import ranks

pytestmark = pytest.mark.django_db


def scored_layer() -> tuple[int, list[Tool]]:
    category = make_category()
    tools = [make_tool(f"org/tool-{n}", category=category, score=float(n)) for n in (3, 9, 5)]
    return category.layer_id, tools


def ranks_in_layer() -> dict[str, int | None]:
    return dict(Tool.objects.values_list("full_name", "rank_in_layer"))


def test_outside_a_worker_the_ranks_are_renumbered_at_once():
    layer_id, _ = scored_layer()

    ranks.ranks_after_refresh(layer_ids=[layer_id])

    assert ranks_in_layer() == {"org/tool-9": 1, "org/tool-5": 2, "org/tool-3": 3}


def test_in_a_worker_with_the_cache_down_the_ranks_are_renumbered_in_place(monkeypatch):
    layer_id, _ = scored_layer()
    monkeypatch.setattr(ranks, "_in_worker", lambda: True)

    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(ranks.cache, "add", unreachable)

    ranks.ranks_after_refresh(layer_ids=[layer_id])

    assert ranks_in_layer() == {"org/tool-9": 1, "org/tool-5": 2, "org/tool-3": 3}


def test_in_a_worker_with_the_broker_down_the_ranks_are_renumbered_in_place(monkeypatch):
    from workers.tasks import recompute_layer_ranks

    layer_id, _ = scored_layer()
    monkeypatch.setattr(ranks, "_in_worker", lambda: True)

    def unreachable(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr(recompute_layer_ranks, "apply_async", unreachable)

    ranks.ranks_after_refresh(layer_ids=[layer_id])

    assert ranks_in_layer() == {"org/tool-9": 1, "org/tool-5": 2, "org/tool-3": 3}
    assert not ranks.ranks_pending(layer_ids=[layer_id])  # ... and nothing is left "due"
