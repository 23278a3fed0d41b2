"""``/healthz`` and ``/readyz`` for load balancers, orchestrators and monitoring.

``/healthz`` says the process answers (no dependency is touched): 200 ``{"status": "ok"}``.

``/readyz`` checks what a request needs — the database, the cache and, when one is configured,
the Celery broker — and answers 200 when all of them work, 503 when one does not. It also
reports how the metrics refresh keeps up with its schedule: a refresh later than the schedule
allows (``READYZ_REFRESH_GRACE_MINUTES``) makes the status ``degraded`` but keeps the 200, since
taking every web instance out of a load balancer because the workers are behind would turn
stale numbers into an outage. Bodies name checks and error types, never URLs or credentials.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from catalog.outages import CACHE_ERRORS

Check = dict[str, Any]


def healthz(request: HttpRequest) -> JsonResponse:
    return _json({"status": "ok"}, 200)


def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Check] = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }
    checks["refresh"] = (
        check_refresh(timezone.now())
        if checks["database"]["ok"]
        else {"ok": None, "detail": "not checked: the database is unavailable"}
    )
    ready = all(checks[name]["ok"] is not False for name in ("database", "cache", "broker"))
    if not ready:
        status = "unavailable"
    elif checks["refresh"]["ok"] is False:
        status = "degraded"
    else:
        status = "ok"
    return _json({"status": status, "checks": checks}, 200 if ready else 503)


def _json(body: dict[str, Any], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _failed(error: BaseException) -> Check:
    return {"ok": False, "detail": f"unavailable ({type(error).__name__})"}


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return _failed(error)
    return {"ok": True}


def check_cache() -> Check:
    try:
        cache.set("readyz-probe", "1", timeout=10)
        if cache.get("readyz-probe") != "1":
            return {"ok": False, "detail": "a value written was not read back"}
    except CACHE_ERRORS as error:
        return _failed(error)
    return {"ok": True}


def check_broker() -> Check:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
        return {"ok": None, "detail": "not configured: tasks run in-process"}
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except CACHE_ERRORS as error:
        return _failed(error)
    finally:
        client.close()
    return {"ok": True}


def check_refresh(now: datetime) -> Check:
    """When the last successful metrics refresh ended, and whether the schedule is kept."""
    from catalog.models import RefreshRun

    last_success = (
        RefreshRun.objects.filter(
            kind=RefreshRun.Kind.METRICS,
            status__in=[RefreshRun.Status.FINISHED, RefreshRun.Status.DEFERRED],
            finished_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    check: Check = {
        "last_success": last_success.isoformat() if last_success else None,
        "age_seconds": int((now - last_success).total_seconds()) if last_success else None,
    }
    next_run = _next_scheduled_refresh(after=last_success, now=now)
    if next_run is None:
        return {"ok": None, "detail": "no enabled refresh schedule", **check}
    due_by = next_run + timedelta(minutes=settings.READYZ_REFRESH_GRACE_MINUTES)
    check["due_by"] = due_by.isoformat()
    if now <= due_by:
        return {"ok": True, **check}
    return {"ok": False, "detail": "the metrics refresh is behind its schedule", **check}


def _next_scheduled_refresh(*, after: datetime | None, now: datetime) -> datetime | None:
    """The earliest start the enabled refresh schedules give after ``after``.

    Without a successful run yet, the schedule is counted from the newest schedule change
    (a fresh install is not late before its first run could have finished).
    """
    from django_celery_beat.models import PeriodicTask

    tasks = PeriodicTask.objects.filter(
        task="workers.tasks.refresh_due", enabled=True, crontab__isnull=False
    ).select_related("crontab")
    starts: list[datetime] = []
    for task in tasks:
        since = after or task.date_changed or now
        # Celery's crontab: time left from now until the first run after ``since``.
        starts.append(now + task.crontab.schedule.remaining_estimate(since))
    return min(starts) if starts else None
