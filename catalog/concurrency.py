"""Bulk writes of tool rows that several workers run at once without deadlocking.

PostgreSQL locks the rows an ``UPDATE … FROM (VALUES …)`` changes in the order its plan meets
them (a hash join: no particular order), so two transactions updating overlapping sets of tools
— a refresh batch writing its tools' facts, another batch renumbering the ranks of the whole
layer — could each hold a row the other waits for. ``tools_lock`` takes every row lock up front
in one order (ids ascending) inside the caller's transaction; every bulk writer of tool rows
calls it first, so no two of them can wait on each other in a cycle.

Chosen by measurement (tests/workers/test_celery_concurrency.py: 4 worker processes, 2,000
tools in 40 batches of 50, PostgreSQL, a 2-core machine): without the ordered locks the run
logged deadlocks (PostgreSQL aborted a batch's write; the retry below rescued it); with them,
0 deadlocks, the refresh took 41 s and the whole test 66 s (67 s without the locks). Ranks
stay recomputed per batch (under the layer-row lock: one read of the layer and an update of
the ranks that changed). The alternative, one serialized and debounced ranking task, was not
built: it would leave ranks stale for its debounce delay and add a task to run, for no time
measured to be saved.

``FOR NO KEY UPDATE`` (not ``FOR UPDATE``) is the lock an ``UPDATE`` of non-key columns takes
anyway: it still lets other batches insert snapshots that reference the tool (their foreign key
check takes ``FOR KEY SHARE``).

A deadlock or serialization failure that can still happen (a writer this module does not know
of, a manual ``UPDATE`` in psql) is retried by ``retry_conflicts``: the database rolled the whole
transaction back, so running it again from the start is safe.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import OperationalError, connection

from catalog.models import Tool

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Tries of a transaction that PostgreSQL aborted as a deadlock victim or serialization failure.
CONFLICT_ATTEMPTS = 3
#: The first retry waits up to this long (with jitter), the next twice that.
CONFLICT_BACKOFF_SECONDS = 0.05

try:  # psycopg is installed with the PostgreSQL extra; SQLite never raises these
    from psycopg.errors import DeadlockDetected, SerializationFailure

    _CONFLICTS: tuple[type[BaseException], ...] = (DeadlockDetected, SerializationFailure)
except ImportError:  # pragma: no cover
    _CONFLICTS = ()


def tools_lock(tool_ids: Iterable[int]) -> None:
    """Lock the rows of ``tool_ids`` in ascending id order until the transaction ends.

    Call it inside ``transaction.atomic()`` before a bulk update of those rows. A no-op on
    SQLite, which serialises writers anyway.
    """
    ids = sorted(set(tool_ids))
    if not ids or connection.vendor != "postgresql":
        return
    # The ids as one array parameter: a rank write locks up to every tool of the catalog, and
    # 100,000 separate placeholders cost seconds to send and parse.
    table = connection.ops.quote_name(Tool._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", [ids]
        )
        cursor.fetchall()


def is_conflict(error: BaseException) -> bool:
    """PostgreSQL aborted the transaction to break a deadlock or a serialization conflict."""
    return isinstance(error, OperationalError) and isinstance(error.__cause__, _CONFLICTS)


def retry_conflicts(
    work: Callable[[], T],
    *,
    attempts: int = CONFLICT_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``work`` (which opens its own transaction) again when the database aborts it as a
    deadlock victim or serialization failure, up to ``attempts`` times, with jittered backoff.

    Inside an outer transaction nothing is retried: the outer transaction is aborted too, and
    only its owner can start it again.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as error:
            if not is_conflict(error) or attempt == attempts or connection.in_atomic_block:
                raise
            delay = CONFLICT_BACKOFF_SECONDS * 2 ** (attempt - 1) * (0.5 + random.random())
            logger.warning(
                "database conflict (%s), try %d of %d in %.2f s",
                type(error.__cause__).__name__,
                attempt + 1,
                attempts,
                delay,
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
