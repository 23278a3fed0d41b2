"""The default periodic tasks: installed once, idempotently, and editable in admin afterwards."""

import inspect
import json

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app
from workers.schedules import DEFAULT_SCHEDULES

pytestmark = pytest.mark.django_db


def test_install_creates_metrics_hourly_and_contributors_weekly(capsys):
    call_command("install_schedules")

    metrics = PeriodicTask.objects.get(name="Refresh GitHub metrics")
    assert metrics.task == "workers.tasks.refresh_due"
    assert (metrics.crontab.minute, metrics.crontab.hour) == ("7", "*")
    assert json.loads(metrics.kwargs) == {"max_age_hours": 5}  # only what is due each hour
    assert metrics.enabled
    contributors = PeriodicTask.objects.get(name="Refresh contributor counts")
    assert contributors.task == "workers.tasks.refresh_contributors"
    assert contributors.crontab.day_of_week == "0"
    retry = PeriodicTask.objects.get(name="Retry failing tools")
    assert json.loads(retry.kwargs) == {"max_age_hours": 0, "retry_failing": True}
    assert "Refresh GitHub metrics: installed" in capsys.readouterr().out


def test_installing_twice_changes_nothing():
    call_command("install_schedules")
    before = list(PeriodicTask.objects.values().order_by("name"))

    call_command("install_schedules")

    after = list(PeriodicTask.objects.values().order_by("name"))
    assert after == before
    assert PeriodicTask.objects.count() == len(DEFAULT_SCHEDULES)


def test_reinstalling_keeps_a_curators_edit(capsys):
    call_command("install_schedules")
    metrics = PeriodicTask.objects.get(name="Refresh GitHub metrics")
    metrics.crontab.hour = "*/3"
    metrics.crontab.save()
    PeriodicTask.objects.filter(pk=metrics.pk).update(enabled=False, kwargs='{"max_age_hours": 2}')

    call_command("install_schedules")

    metrics.refresh_from_db()
    assert metrics.crontab.hour == "*/3"
    assert not metrics.enabled
    assert json.loads(metrics.kwargs) == {"max_age_hours": 2}
    assert "Refresh GitHub metrics: kept as is" in capsys.readouterr().out


def test_an_untouched_six_hourly_entry_from_an_earlier_release_becomes_hourly(capsys):
    six_hourly, _ = CrontabSchedule.objects.get_or_create(minute="7", hour="*/6", timezone="UTC")
    PeriodicTask.objects.create(
        name="Refresh GitHub metrics", task="workers.tasks.refresh_due", crontab=six_hourly,
        kwargs='{"max_age_hours": 5}',
    )  # fmt: skip

    call_command("install_schedules")

    metrics = PeriodicTask.objects.get(name="Refresh GitHub metrics")
    assert (metrics.crontab.minute, metrics.crontab.hour) == ("7", "*")
    assert "Refresh GitHub metrics: reset to the default" in capsys.readouterr().out


def test_a_six_hourly_entry_a_curator_edited_is_kept():
    six_hourly, _ = CrontabSchedule.objects.get_or_create(minute="7", hour="*/6", timezone="UTC")
    PeriodicTask.objects.create(
        name="Refresh GitHub metrics", task="workers.tasks.refresh_due", crontab=six_hourly,
        kwargs='{"max_age_hours": 3}',
    )  # fmt: skip

    call_command("install_schedules")

    metrics = PeriodicTask.objects.get(name="Refresh GitHub metrics")
    assert (metrics.crontab.hour, json.loads(metrics.kwargs)) == ("*/6", {"max_age_hours": 3})


def test_reset_puts_the_defaults_back_over_an_edit():
    call_command("install_schedules")
    PeriodicTask.objects.filter(name="Refresh GitHub metrics").update(enabled=False, kwargs="{}")

    call_command("install_schedules", "--reset")

    metrics = PeriodicTask.objects.get(name="Refresh GitHub metrics")
    assert metrics.enabled
    assert json.loads(metrics.kwargs) == {"max_age_hours": 5}
    assert PeriodicTask.objects.count() == len(DEFAULT_SCHEDULES)


def test_every_scheduled_task_exists_and_accepts_its_arguments():
    import workers.tasks  # noqa: F401  (registers the tasks, as the worker's autodiscovery does)

    for default in DEFAULT_SCHEDULES:
        task = app.tasks[default.task]
        inspect.signature(task.run).bind(**default.kwargs)  # raises TypeError on a bad argument


def test_lost_runs_are_swept_every_five_minutes_well_within_the_visibility_timeout(settings):
    call_command("install_schedules")

    sweep = PeriodicTask.objects.get(name="Close lost refresh runs")
    assert sweep.task == "workers.tasks.refresh_sweep_lost"
    assert (sweep.crontab.minute, sweep.crontab.hour) == ("*/5", "*")
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > 5 * 60
