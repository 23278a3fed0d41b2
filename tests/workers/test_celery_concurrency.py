"""Four real Celery worker processes refresh a catalog of 2,000 tools at once on PostgreSQL:
no batch deadlocks, every score and rank is what a fresh computation gives, and every run
counts exactly what it wrote."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from catalog.models import MetricSnapshot, RefreshRun, Tool
from catalog.ranking.writer import recompute_rankings
from tests.factories import make_category, make_layer
from tests.workers.test_celery_integration import Workers, workers  # noqa: F401 (fixture)
from workers.refresh.ranks import ranks_pending
from workers.tasks import refresh_due

TOOLS = 2000
BATCH = 50
DEADLINE_SECONDS = 80

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not settings.REDIS_URL or not settings.IS_POSTGRES,
        reason="needs PostgreSQL row locks; CI's second run provides it",
    ),
]

RANKED = ("score", "rank_in_category", "rank_in_layer", "stars_gained_30d", "activity")


def seed_catalog(fake_github) -> None:
    """2,000 tools in 2 layers of 3 categories, with 60 days of history: every batch's ranks
    touch tools of every other batch, the case that deadlocked."""
    layers = [make_layer(), make_layer()]
    categories = [make_category(layer=layers[i % 2]) for i in range(6)]
    today = timezone.now().date()
    tools = []
    for index in range(TOOLS):
        full_name = f"org/tool-{index}"
        topics = ["machine-learning", f"topic-{index % 13}", f"new-topic-{index % 7}"]
        fake_github.add_repo(full_name, stars=1000 + 7 * index, topics=topics)
        tool = Tool(full_name=full_name, category=categories[index % 6], stars=900 + index)
        tool.search_document = tool.compose_search_document([])
        tools.append(tool)
    Tool.objects.bulk_create(tools, batch_size=500)
    history = [
        MetricSnapshot(tool=tool, date=today - timedelta(days=days), stars=900 + index - days)
        for index, tool in enumerate(Tool.objects.order_by("pk"))
        for days in (1, 30, 60)
    ]
    MetricSnapshot.objects.bulk_create(history, batch_size=2000)
    recompute_rankings()


def ranked() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in Tool.objects.values_list("pk", *RANKED)}


def test_four_workers_refresh_2000_tools_without_a_deadlock(workers: Workers, fake_github):  # noqa: F811
    seed_catalog(fake_github)
    workers.env["GITHUB_BATCH_SIZE"] = str(BATCH)
    workers.env["CELERY_VISIBILITY_TIMEOUT"] = "600"  # no redelivery while batches queue
    for _ in range(4):
        workers.start()
    started = time.monotonic()

    refresh_due.apply_async(queue=workers.queue)

    expected_runs = TOOLS // BATCH

    def all_done() -> bool:
        runs = RefreshRun.objects.all()
        return runs.count() == expected_runs and not runs.filter(status="running").exists()

    seeded = time.monotonic()
    while not all_done():
        if time.monotonic() - started > DEADLINE_SECONDS:
            pytest.fail(f"refresh not done in {DEADLINE_SECONDS}s\n{workers.logs()[-4000:]}")
        time.sleep(0.5)

    refreshed = time.monotonic()
    # Each layer is re-ranked once for many batches, shortly after them (workers/refresh/ranks.py).
    layers = list(Tool.objects.values_list("category__layer_id", flat=True).distinct())
    while ranks_pending(layer_ids=layers):
        if time.monotonic() - started > DEADLINE_SECONDS:
            pytest.fail(f"ranks not settled in {DEADLINE_SECONDS}s\n{workers.logs()[-4000:]}")
        time.sleep(0.5)
    logs = workers.logs()
    assert not re.search("deadlock", logs, re.IGNORECASE), logs[-4000:]
    assert "Traceback" not in logs, logs[-4000:]
    today = timezone.now().date()
    written = MetricSnapshot.objects.filter(date=today).count()
    assert written == TOOLS
    assert Tool.objects.filter(last_refreshed_at__isnull=True).count() == 0
    runs = list(RefreshRun.objects.all())
    assert {run.status for run in runs} == {"finished"}
    for run in runs:
        assert (run.tools_total, run.tools_ok, run.tools_failed) == (BATCH, BATCH, 0), run
        assert run.error_summary == ""
    assert sum(run.tools_ok for run in runs) == written
    after_workers = ranked()

    recompute_rankings()

    fresh = ranked()
    print(f"workers started {seeded - started:.1f}s, refresh {refreshed - seeded:.1f}s")
    differ = [pk for pk in fresh if fresh[pk] != after_workers[pk]]
    assert differ == [], f"{len(differ)} tools differ from a fresh computation, e.g. " + str(
        [(pk, after_workers[pk], fresh[pk]) for pk in differ[:3]]
    )
