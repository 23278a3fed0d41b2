"""The catalog's data version and the values kept for it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from catalog import data_version, services
from catalog.data_version import by_version, catalog_version, forget_memo
from catalog.ranking.writer import catalog_as_of
from tests.factories import make_snapshot, make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_memo():
    forget_memo()


class Counter:
    """A compute function that says how often it ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_value_is_kept_for_its_version_and_read_again_after_a_write():
    tool = make_tool()
    compute = Counter()

    assert by_version(catalog_version(), "n", compute) == 1
    assert by_version(catalog_version(), "n", compute) == 1  # kept
    assert by_version(catalog_version(), "other", compute) == 2  # kept per key

    services.tools_set_hidden(tools=[tool], hidden=True)
    assert by_version(catalog_version(), "n", compute) == 3
    make_snapshot(tool, date(2025, 6, 1), stars=10)  # history alone moves it too
    assert by_version(catalog_version(), "n", compute) == 4
    make_tool()
    assert by_version(catalog_version(), "n", compute) == 5


def test_without_a_version_nothing_is_kept():
    compute = Counter()

    assert [by_version(None, "n", compute) for _ in range(3)] == [1, 2, 3]


def constant(value: int) -> Callable[[], int]:
    return lambda: value


def test_the_memo_is_bounded_and_drops_the_oldest(monkeypatch):
    monkeypatch.setattr(data_version, "MEMO_ENTRIES", 10)
    version = catalog_version()
    for n in range(25):
        by_version(version, f"key-{n}", constant(n))

    assert len(data_version._memo) <= 10
    assert by_version(version, "key-24", constant(-1)) == 24  # kept
    assert by_version(version, "key-0", constant(-1)) == -1  # dropped: computed again


def test_the_version_gives_the_catalogs_as_of_day():
    make_tool(metrics_as_of=datetime(2025, 6, 30, 23, 30, tzinfo=UTC))
    make_tool(metrics_as_of=datetime(2025, 5, 1, tzinfo=UTC))

    assert catalog_version().catalog_as_of == catalog_as_of() == date(2025, 6, 30)


def test_the_api_keys_its_caching_on_the_same_version():
    from api import caching

    assert caching.catalog_version is catalog_version
    assert caching.by_version is by_version
