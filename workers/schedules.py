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


DEFAULT_SCHEDULES = (
    DefaultSchedule(
        name="Refresh GitHub metrics",
        task="workers.tasks.refresh_due",
        crontab={"minute": "7", "hour": "*/6"},
        # Every 6 hours; "due" is 5 hours old so a run that started late still counts.
        kwargs={"max_age_hours": 5},
        description="Every 6 hours: tools not refreshed for 5 hours, stalest first, in batches.",
    ),
    DefaultSchedule(
        name="Refresh contributor counts",
        task="workers.tasks.refresh_contributors",
        crontab={"minute": "17", "hour": "2", "day_of_week": "0"},
        kwargs={"max_age_days": 6},
        description="Weekly (Sunday 02:17 UTC): one REST request per repository, with ETags.",
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
            if existing is not None and not reset:
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
