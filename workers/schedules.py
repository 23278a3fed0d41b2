"""The periodic work, defined in this one place and installed into django-celery-beat's tables
(``manage.py install_schedules``, which ``make beat`` runs), where curators edit it in admin.

Installing is idempotent and never overrides an edit: an entry that already exists (by name) is
left exactly as a curator set it — times, arguments, enabled or not. ``reset=True`` (the
command's ``--reset``) puts the defaults back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

_CRONTAB_DEFAULTS = {
    "minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
}  # fmt: skip


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    crontab: dict[str, str]  # minute, hour, day_of_week, day_of_month, month_of_year (UTC)
    kwargs: dict = field(default_factory=dict)
    description: str = ""
    # Earlier releases' defaults: an entry still exactly so was never edited, so it is brought
    # up to date; an entry a curator changed in any way is kept.
    former_crontabs: tuple[dict[str, str], ...] = ()


DEFAULT_SCHEDULES = (
    DefaultSchedule(
        name="Refresh GitHub metrics",
        task="workers.tasks.refresh_due",
        crontab={"minute": "7", "hour": "*"},
        # Hourly, picking only the tools not refreshed for 5 hours: with a token the catalog is
        # spread over the hours; without one each run uses that hour's 60 REST requests.
        kwargs={"max_age_hours": 5},
        description=(
            "Hourly: tools not refreshed for 5 hours, stalest first, in batches (60 a run "
            "without a token: GitHub's hourly allowance)."
        ),
        former_crontabs=({"minute": "7", "hour": "*/6"},),
    ),
    DefaultSchedule(
        name="Refresh contributor counts",
        task="workers.tasks.refresh_contributors",
        crontab={"minute": "17", "hour": "2", "day_of_week": "0"},
        kwargs={"max_age_days": 6},
        description=(
            "Weekly (Sunday 02:17 UTC): one REST request per repository, with ETags. Skipped "
            "without a token (the 60 requests an hour go to metrics)."
        ),
    ),
    DefaultSchedule(
        name="Refresh star history",
        task="workers.tasks.refresh_star_history",
        crontab={"minute": "47", "hour": "4"},
        # Daily, so tools new to the catalog get their history within a day; a tool's history
        # is asked for again after 7 days (its first page, with the ETag).
        kwargs={"max_age_days": 7},
        description=(
            "Daily (04:47 UTC): star history back to creation for tools without it, then the "
            "recent weeks of each tool once a week. Skipped without a token."
        ),
    ),
    DefaultSchedule(
        name="Close lost refresh runs",
        task="workers.tasks.refresh_sweep_lost",
        crontab={"minute": "*/5"},
        description=(
            "Every 5 minutes: refresh runs whose queued batch is gone (Redis restarted without "
            "its data) or that no worker finished within the broker's visibility timeout are "
            'marked lost, with the reason, instead of staying "running".'
        ),
    ),
    DefaultSchedule(
        name="Recompute star-integrity evidence",
        task="workers.tasks.recompute_integrity",
        crontab={"minute": "17", "hour": "6"},
        description=(
            "Daily (06:17 UTC, after the star history): the evidence of docs/integrity.md for "
            "every tool; a tool above a threshold is marked 'needs review'."
        ),
    ),
    DefaultSchedule(
        name="Retry failing tools",
        task="workers.tasks.refresh_due",
        crontab={"minute": "37", "hour": "3", "day_of_week": "0"},
        kwargs={"max_age_hours": 0, "retry_failing": True},
        description="Weekly: tools skipped after repeated failures get one more try.",
    ),
)


def schedules_install(*, reset: bool = False) -> dict[str, str]:
    """Create the default periodic tasks that are missing; return name → what happened."""
    outcome = {}
    with transaction.atomic():
        for default in DEFAULT_SCHEDULES:
            existing = PeriodicTask.objects.filter(name=default.name).first()
            if existing is not None and not reset and not _is_former_default(existing, default):
                outcome[default.name] = "kept"
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone="UTC", **{**_CRONTAB_DEFAULTS, **default.crontab}
            )
            values = {
                "task": default.task,
                "crontab": crontab,
                "interval": None,
                "kwargs": json.dumps(default.kwargs),
                "description": default.description,
                "enabled": True,
            }
            PeriodicTask.objects.update_or_create(name=default.name, defaults=values)
            outcome[default.name] = "reset" if existing is not None else "created"
    return outcome


def _is_former_default(task: PeriodicTask, default: DefaultSchedule) -> bool:
    """The entry is exactly an earlier release's default (so nobody edited it)."""
    if task.crontab is None or not task.enabled or task.task != default.task:
        return False
    if json.loads(task.kwargs or "{}") != default.kwargs:
        return False
    fields = _CRONTAB_DEFAULTS.keys()
    actual = {name: str(getattr(task.crontab, name)) for name in fields}
    return any(
        actual == {**_CRONTAB_DEFAULTS, **former} and str(task.crontab.timezone) == "UTC"
        for former in default.former_crontabs
    )
