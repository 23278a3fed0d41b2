"""What the backends report about names close to a query, before the engine scores them."""

from __future__ import annotations

from dataclasses import dataclass

FUZZY_LIMIT = 50  # the closest names kept per query
OWNER_LIMIT = 200  # tools of one owner kept per query


@dataclass(frozen=True)
class NameMatch:
    pk: int
    closeness: float  # 0–1: how close the name (or its beginning) is to the whole query
    exact: bool  # the name (repository or owner/name) is the query, ignoring case and _ - . /
    owner: bool  # the owner is the query
