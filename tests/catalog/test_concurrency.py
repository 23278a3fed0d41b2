"""Concurrent bulk writes: a deadlock or serialization failure is retried, nothing else is."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from psycopg.errors import DeadlockDetected, SerializationFailure

from catalog.concurrency import retry_conflicts, tools_lock
from catalog.models import Tool
from tests.factories import make_tool


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_tools_lock_holds_exactly_the_given_rows_until_the_transaction_ends():
    """A bulk writer's locks: another session cannot lock those tools meanwhile (it would wait),
    can lock every other tool, and can lock them all once the writer's transaction is over."""
    tools = [make_tool(f"owner/tool-{n}") for n in range(4)]
    locked, free = [t.pk for t in tools[:3]], tools[3].pk
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    table = Tool._meta.db_table
    attempt = f"SELECT id FROM {table} WHERE id = %s FOR NO KEY UPDATE NOWAIT"
    try:
        with transaction.atomic():
            tools_lock(reversed(locked))
            with other.cursor() as cursor:
                for tool_id in locked:
                    with pytest.raises(OperationalError):  # autocommit: nothing to roll back
                        cursor.execute(attempt, [tool_id])
                cursor.execute(attempt, [free])
                assert cursor.fetchall() == [(free,)]
        with other.cursor() as cursor:
            cursor.execute(attempt.replace("id = %s", "id = ANY(%s)"), [locked])
            assert sorted(cursor.fetchall()) == [(i,) for i in locked]
    finally:
        other.close()
