"""Concurrent bulk writes: a deadlock or serialization failure is retried, nothing else is."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from psycopg.errors import DeadlockDetected, SerializationFailure

from catalog.concurrency import retry_conflicts


def aborted_by(cause: BaseException) -> OperationalError:
    """What Django raises when PostgreSQL aborts a statement with ``cause``."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


class Flaky:
    """Work that fails with ``errors`` in turn, then returns how many calls it took."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.calls


def test_a_deadlock_victim_is_run_again_after_a_short_jittered_wait():
    waits: list[float] = []
    work = Flaky(aborted_by(DeadlockDetected("deadlock detected")))

    assert retry_conflicts(work, sleep=waits.append) == 2
    assert len(waits) == 1
    assert 0 < waits[0] < 1


def test_a_serialization_failure_is_retried_too():
    work = Flaky(aborted_by(SerializationFailure("could not serialize access")))

    assert retry_conflicts(work, sleep=lambda _: None) == 2


def test_it_gives_up_after_three_tries_with_the_databases_error():
    work = Flaky(*(aborted_by(DeadlockDetected("deadlock detected")) for _ in range(3)))

    with pytest.raises(OperationalError, match="deadlock detected"):
        retry_conflicts(work, sleep=lambda _: None)
    assert work.calls == 3


def test_other_database_errors_are_not_retried():
    work = Flaky(OperationalError("server closed the connection unexpectedly"))

    with pytest.raises(OperationalError, match="server closed"):
        retry_conflicts(work, sleep=lambda _: None)
    assert work.calls == 1
