"""Observations staged by tool, so a big history is merged and written a slice at a time.

A history file may list its rows in any order (by tool, by date, appended day after day), and
a tool's day can only be merged once every source's row for it has been read. So the
observations are partitioned as they are read into *buckets* of tools — each tool in exactly
one — and a bucket is merged and written once the files are read. A small import keeps its
single bucket in memory; a big one keeps at most ``BUFFERED`` observations in memory and
spills the rest to temporary files (pickled tuples), so memory stays bounded by the size of a
bucket, not of the history.

Buckets follow the order tools are created in: the ai_tools rows by position, the catalog's
tools by id, so new tools get their ids in the file's order as they always did.
"""

from __future__ import annotations

import math
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from catalog.importing.metrics import Observation

ROWS_PER_BUCKET = 200_000  # about 60 MB of observations, merged and written together
BUFFERED = 200_000  # observations held in memory while reading, over all buckets
HELD_PER_BUCKET = 1_000  # at least (fewer would spill in tiny pieces)
MAX_BUCKETS = 256


def buckets_for(rows: int) -> int:
    return max(1, min(MAX_BUCKETS, math.ceil(rows / ROWS_PER_BUCKET)))


def bucket_function(buckets: int, rows: int, max_id: int) -> Callable[[int], int]:
    """The bucket of a tool key: a slice of the file's rows (``-(i + 1)``: row ``i`` of
    ``rows``) or of the catalog's ids (up to ``max_id``)."""

    def bucket_of(key: int) -> int:
        if key > 0:
            return min(buckets - 1, key * buckets // (max_id + 1))
        return (-key - 1) * buckets // max(rows, 1)

    return bucket_of


class Staging:
    """Observations by bucket; ``add`` while reading, then ``take`` each bucket once."""

    def __init__(self, buckets: int, bucket_of: Callable[[int], int]) -> None:
        self.buckets = buckets
        self.bucket_of = bucket_of
        self._held: list[list[Observation]] = [[] for _ in range(buckets)]
        self._spilled: list[IO[bytes] | None] = [None] * buckets
        self._limit = max(HELD_PER_BUCKET, BUFFERED // buckets) if buckets > 1 else 0

    def add(self, observation: Observation) -> None:
        number = self.bucket_of(observation[0])
        held = self._held[number]
        held.append(observation)
        if len(held) == self._limit:
            self._spill(number)

    def add_all(self, observations: Iterable[Observation]) -> None:
        """``add`` each of ``observations``: the loop over a big file, with each tool's bucket
        worked out once and looked up after (a history has a row per tool and day)."""
        held, limit, bucket_of = self._held, self._limit, self.bucket_of
        numbers: dict[int, int] = {}
        for observation in observations:
            key = observation[0]
            number = numbers.get(key)
            if number is None:
                number = numbers[key] = bucket_of(key)
            bucket = held[number]
            bucket.append(observation)
            if len(bucket) == limit:
                self._spill(number)  # replaces held[number] with a new, empty list

    def _spill(self, number: int) -> None:
        file = self._spilled[number]
        if file is None:
            file = tempfile.TemporaryFile(prefix="strata-import-")  # noqa: SIM115 (closed by take/close)
            self._spilled[number] = file
        pickle.dump(self._held[number], file, protocol=pickle.HIGHEST_PROTOCOL)
        self._held[number] = []

    def take(self, number: int) -> list[Observation]:
        """A bucket's observations in the order they were read (then forgotten here)."""
        observations: list[Observation] = []
        file = self._spilled[number]
        if file is not None:
            file.seek(0)
            while True:
                try:
                    observations += pickle.load(file)
                except EOFError:
                    break
            file.close()
            self._spilled[number] = None
        observations += self._held[number]
        self._held[number] = []
        return observations

    def __iter__(self) -> Iterator[list[Observation]]:
        for number in range(self.buckets):
            yield self.take(number)

    def close(self) -> None:
        for file in self._spilled:
            if file is not None:
                file.close()
        self._spilled = [None] * self.buckets
        self._held = [[] for _ in range(self.buckets)]
