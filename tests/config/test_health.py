"""/healthz says the process answers; /readyz checks what requests need and the refresh."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from catalog.models import RefreshRun


def test_healthz_answers_without_touching_the_database(client):
    # No database access is allowed in this test: a query would fail it.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_a_probe_with_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_is_200_when_the_database_and_cache_answer(client):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_the_broker_only_when_one_is_configured(client):
    broker = client.get("/readyz").json()["checks"]["broker"]

    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert broker["ok"] is None
        assert "not configured" in broker["detail"]
    else:
        assert broker["ok"] is True


@pytest.mark.django_db
def test_readyz_is_503_while_the_database_is_down_and_names_no_secret(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "create_cursor", refuse)
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "detail": "unavailable (OperationalError)"}
    text = json.dumps(body)
    assert settings.SECRET_KEY not in text
    assert settings.DATABASE_URL not in text
    assert "could not connect" not in text


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_cannot_be_reached(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert "127.0.0.1:9" not in response.content.decode()


def hourly_refresh_schedule() -> None:
    crontab = CrontabSchedule.objects.create(minute="7", hour="*")
    PeriodicTask.objects.create(
        name="Refresh GitHub metrics", task="workers.tasks.refresh_due", crontab=crontab
    )


def finished_run(ago: timedelta, status: str = RefreshRun.Status.FINISHED) -> None:
    run = RefreshRun.objects.create(status=status)
    RefreshRun.objects.filter(pk=run.pk).update(finished_at=timezone.now() - ago)


@pytest.mark.django_db
def test_a_refresh_that_keeps_to_its_hourly_schedule_is_ok(client):
    hourly_refresh_schedule()
    finished_run(ago=timedelta(minutes=50))

    refresh = client.get("/readyz").json()["checks"]["refresh"]

    assert refresh["ok"] is True
    assert 50 * 60 <= refresh["age_seconds"] < 52 * 60


@pytest.mark.django_db
def test_a_refresh_far_behind_its_schedule_is_reported_degraded_but_still_ready(client):
    hourly_refresh_schedule()
    finished_run(ago=timedelta(hours=6))
    finished_run(ago=timedelta(minutes=10), status=RefreshRun.Status.FAILED)

    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200  # stale numbers are no reason to stop serving pages
    assert body["status"] == "degraded"
    assert body["checks"]["refresh"]["ok"] is False
    assert 6 * 3600 <= body["checks"]["refresh"]["age_seconds"] < 6 * 3600 + 120


@pytest.mark.django_db
def test_without_a_refresh_schedule_the_refresh_is_not_judged(client):
    finished_run(ago=timedelta(days=30))

    body = Client().get("/readyz").json()

    assert body["status"] == "ok"
    assert body["checks"]["refresh"]["ok"] is None
