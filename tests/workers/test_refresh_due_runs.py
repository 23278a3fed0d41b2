"""``refresh_due`` starts every batch's run in one INSERT, not one per batch (2,000 at 100k tools
and 50 per batch), and each batch still gets a run of its own: queued with its id, audited
with the same kind, trigger and count, shown in admin, and kept alive for the lost-run sweep."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import RefreshRun
from tests.workers.refresh_helpers import seed
from workers import tasks
from workers.locks import tools_claim
from workers.refresh import contributors, history, pipeline

pytestmark = pytest.mark.django_db

RUN_TABLE = RefreshRun._meta.db_table


class Queued(list):
    """Records ``apply_async`` calls instead of sending them to a broker."""

    def __call__(self, args=None, kwargs=None, **options):
        self.append(kwargs)


@pytest.fixture
def queued(monkeypatch):
    calls = Queued()
    monkeypatch.setattr(tasks.refresh_batch, "apply_async", calls)
    return calls


def run_inserts(queries) -> int:
    return sum(
        1
        for query in queries
        if query["sql"].lstrip().upper().startswith("INSERT")
        and RUN_TABLE in query["sql"].split("(")[0]
    )


def refresh_due_counting_inserts(django_capture_on_commit_callbacks) -> tuple[int, int]:
    """Run the scheduled task and queue its batches; (tools queued, INSERTs into the runs)."""
    commits = django_capture_on_commit_callbacks(execute=True)
    with commits, CaptureQueriesContext(connection) as captured:
        count = tasks.refresh_due.run()
    return count, run_inserts(captured.captured_queries)


def test_refresh_due_creates_all_batch_runs_in_one_insert_each_batch_queued_with_its_own(
    github, settings, queued, django_capture_on_commit_callbacks
):
    settings.GITHUB_BATCH_SIZE = 2
    tools = seed(github, 7)
    before = timezone.now()

    count, inserts = refresh_due_counting_inserts(django_capture_on_commit_callbacks)

    assert (count, inserts) == (7, 1)  # was 4: one per batch
    runs = list(RefreshRun.objects.order_by("pk"))
    ids = [tool.pk for tool in tools]
    assert queued == [
        {"tool_ids": ids[0:2], "run_id": runs[0].pk},
        {"tool_ids": ids[2:4], "run_id": runs[1].pk},
        {"tool_ids": ids[4:6], "run_id": runs[2].pk},
        {"tool_ids": ids[6:7], "run_id": runs[3].pk},
    ]
    audit = [(r.kind, r.trigger, r.status, r.tools_total, r.finished_at) for r in runs]
    assert audit == [("metrics", "schedule", "running", total, None) for total in (2, 2, 2, 1)]
    assert all(before <= run.started_at <= timezone.now() for run in runs)


def test_each_queued_batch_fills_its_own_run(
    github, settings, queued, django_capture_on_commit_callbacks
):
    settings.GITHUB_BATCH_SIZE = 2
    tools = seed(github, 3)
    refresh_due_counting_inserts(django_capture_on_commit_callbacks)

    for call in queued:
        tasks.refresh_batch.run(**call)

    runs = list(RefreshRun.objects.order_by("pk"))
    assert [(run.status, run.tools_total, run.tools_ok) for run in runs] == [
        ("finished", 2, 2),
        ("finished", 1, 1),
    ]
    assert [run.pk for run in runs] == [call["run_id"] for call in queued]
    assert [tool.stars for tool in type(tools[0]).objects.order_by("pk")] == [1000, 1001, 1002]


def test_batches_whose_tools_are_claimed_elsewhere_get_no_run_or_a_run_of_what_was_claimed(
    github, settings, queued, django_capture_on_commit_callbacks
):
    settings.GITHUB_BATCH_SIZE = 2
    tools = seed(github, 6)
    ids = [tool.pk for tool in tools]
    held = ids[0:2] + ids[3:4]  # the first batch wholly, the second in part
    assert tools_claim(tool_ids=held, owner="another-worker", ttl=60) == held

    count, inserts = refresh_due_counting_inserts(django_capture_on_commit_callbacks)

    assert (count, inserts) == (3, 1)
    runs = list(RefreshRun.objects.order_by("pk"))
    assert [(run.tools_total, run.status) for run in runs] == [(1, "running"), (2, "running")]
    assert queued == [
        {"tool_ids": ids[2:3], "run_id": runs[0].pk},
        {"tool_ids": ids[4:6], "run_id": runs[1].pk},
    ]


def test_a_claim_that_fails_midway_records_the_failure_and_leaves_no_run_for_untried_batches(
    github, settings, queued, monkeypatch, django_capture_on_commit_callbacks
):
    settings.GITHUB_BATCH_SIZE = 2
    seed(github, 7)
    claims = []

    def redis_goes_away(**kwargs):
        claims.append(kwargs["tool_ids"])
        if len(claims) == 2:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")
        return list(kwargs["tool_ids"])

    monkeypatch.setattr(pipeline, "tools_claim", redis_goes_away)

    with pytest.raises(ConnectionError):
        refresh_due_counting_inserts(django_capture_on_commit_callbacks)

    assert queued == []
    (failed,) = RefreshRun.objects.order_by("pk")  # the first batch's run, never queued: gone
    assert (failed.status, failed.tools_total) == ("failed", 2)
    assert failed.finished_at is not None
    assert failed.error_summary == "ConnectionError: Error 111 connecting to 127.0.0.1:6379"


def test_after_a_claim_fails_midway_the_tools_claimed_before_it_are_free_again(
    github, settings, queued, monkeypatch, django_capture_on_commit_callbacks
):
    """Nothing is queued when a claim fails, so the batches claimed before it give their
    claims back: the next schedule can take those tools at once, not after the claims' TTL."""
    settings.GITHUB_BATCH_SIZE = 2
    ids = [tool.pk for tool in seed(github, 7)]
    claim = pipeline.tools_claim
    calls = []

    def fails_on_the_third_chunk(**kwargs):
        calls.append(kwargs["tool_ids"])
        if len(calls) == 3:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")
        return claim(**kwargs)

    monkeypatch.setattr(pipeline, "tools_claim", fails_on_the_third_chunk)
    with pytest.raises(ConnectionError):
        refresh_due_counting_inserts(django_capture_on_commit_callbacks)
    assert len(calls) == 3  # two chunks claimed (four tools), then the failure

    assert tools_claim(tool_ids=ids, owner="the-next-schedule", ttl=60) == ids


def test_runs_of_queued_batches_are_marked_queued_for_the_lost_run_sweep(
    github, settings, queued, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # through a broker: the marks decide
    settings.GITHUB_BATCH_SIZE = 2
    seed(github, 5)
    refresh_due_counting_inserts(django_capture_on_commit_callbacks)
    three_minutes_ago = timezone.now() - timedelta(minutes=3)
    RefreshRun.objects.update(started_at=three_minutes_ago)  # past the sweep's grace

    assert tasks.refresh_sweep_lost.run() == 0

    assert list(RefreshRun.objects.values_list("status", flat=True)) == ["running"] * 3


def test_the_admin_refresh_runs_audit_lists_every_batch_run(
    github, settings, queued, admin_client, django_capture_on_commit_callbacks
):
    settings.GITHUB_BATCH_SIZE = 2
    seed(github, 3)
    refresh_due_counting_inserts(django_capture_on_commit_callbacks)

    page = admin_client.get("/admin/catalog/refreshrun/").content.decode()

    rows = re.findall(
        r'<th class="field-__str__"><a [^>]*>([^<]*)</a></th><td class="field-trigger">([^<]*)</td>'
        r'<td class="field-status">([^<]*)</td>.*?<td class="field-tool_counts">([^<]*)</td>',
        page,
    )
    first, second = RefreshRun.objects.order_by("pk")
    assert rows == [
        (f"Metrics refresh #{second.pk} (Running)", "schedule", "Running", "1"),
        (f"Metrics refresh #{first.pk} (Running)", "schedule", "Running", "2"),
    ]


@pytest.mark.parametrize(
    ("enqueue_due", "batch_size", "kind"),
    [
        (contributors.refresh_contributors_enqueue_due, "CONTRIBUTORS_BATCH_SIZE", "contributors"),
        (history.refresh_history_enqueue_due, "HISTORY_BATCH_SIZE", "star-history"),
    ],
)
def test_the_other_passes_start_their_batch_runs_in_one_insert_too(
    github, monkeypatch, enqueue_due, batch_size, kind
):
    monkeypatch.setattr(enqueue_due.__module__ + "." + batch_size, 2)
    seed(github, 5)

    with CaptureQueriesContext(connection) as captured:
        batches = enqueue_due()

    assert run_inserts(captured.captured_queries) == 1
    runs = RefreshRun.objects.order_by("pk")
    assert [run_id for run_id, _ in batches] == [run.pk for run in runs]
    assert [(run.kind, run.trigger, run.tools_total) for run in runs] == [
        (kind, "schedule", 2),
        (kind, "schedule", 2),
        (kind, "schedule", 1),
    ]
