"""Admin login is throttled against password guessing (django-axes)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator():
    return get_user_model().objects.create_user(
        "curator", password="the-right-password", is_staff=True
    )


def log_in(client: Client, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "curator", "password": password},
        REMOTE_ADDR="10.2.2.2",
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_after_the_failure_limit_even_the_right_password_is_refused_with_a_message(curator):
    client = Client()
    assert [log_in(client, f"guess-{n}").status_code for n in range(2)] == [200, 200]

    third = log_in(client, "guess-3")
    right = log_in(client, "the-right-password")

    assert third.status_code == 429
    assert right.status_code == 429
    assert "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_right_password_before_the_limit_logs_in(curator):
    client = Client()
    log_in(client, "guess-1")

    response = log_in(client, "the-right-password")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
