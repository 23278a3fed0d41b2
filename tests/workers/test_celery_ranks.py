"""A real Celery worker re-ranks a layer once for many refreshed batches, shortly after them,
and the ranks it leaves are the ones a fresh computation gives."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from catalog.models import RefreshRun, Tool
from catalog.ranking.writer import recompute_rankings
from tests.factories import make_category, make_layer, make_tool
from tests.workers.test_celery_integration import (  # noqa: F401 (fixture)
    Workers,
    runs_finished,
    wait_until,
    workers,
)
from workers.refresh.ranks import ranks_pending
from workers.tasks import refresh_due

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not settings.REDIS_URL or not settings.IS_POSTGRES,
        reason="needs REDIS_URL and PostgreSQL; CI's second run provides both",
    ),
]

RANKS = ("score", "rank_in_category", "rank_in_layer")


def ranks() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in Tool.objects.values_list("pk", *RANKS)}


def test_one_re_rank_per_layer_serves_many_batches_and_ends_as_a_fresh_computation(
    workers: Workers,  # noqa: F811
    fake_github,
):
    layers = [make_layer("apps"), make_layer("infra")]
    categories = [make_category(f"category-{n}", layer=layers[n % 2]) for n in range(4)]
    for index in range(24):  # 12 batches of 2, each touching both layers
        full_name = f"org/tool-{index}"
        fake_github.add_repo(full_name, stars=500 + 37 * ((index * 7) % 24))
        make_tool(full_name, category=categories[index % 4])
    workers.env["RANKS_DELAY_SECONDS"] = "3"
    workers.start()

    refresh_due.apply_async(queue=workers.queue)

    wait_until(lambda: RefreshRun.objects.count() == 12 and runs_finished(), "12 batches", workers)
    layer_ids = [layer.pk for layer in layers]
    wait_until(lambda: not ranks_pending(layer_ids=layer_ids), "the layers' re-ranks", workers)
    after_worker = ranks()
    assert all(rank is not None for _, rank, _ in after_worker.values())  # every tool ranked
    recompute_rankings()
    assert ranks() == after_worker
    re_ranks = re.findall(r"recompute_layer_ranks\[[^\]]+\] succeeded", workers.logs())
    # Re-ranking after each batch would have been 12 batches x 2 layers = 24 re-ranks.
    assert 2 <= len(re_ranks) < 12, workers.logs()[-4000:]
