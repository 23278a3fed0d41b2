"""Fixtures for the service tests: a curator, and refresh_batch.delay calls caught."""

from __future__ import annotations

import pytest


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user("curator", is_staff=True)


@pytest.fixture
def queued(monkeypatch):
    """Every refresh_batch.delay(...) call, instead of a broker."""
    from workers import tasks

    calls: list[dict] = []
    monkeypatch.setattr(tasks.refresh_batch, "delay", lambda **kwargs: calls.append(kwargs))
    return calls
