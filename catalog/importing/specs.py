"""What the importer passes between its steps: the checked specs and the report it fills.

Plain data only, so the reading, merging and writing modules can share it without importing
each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from catalog.importing.files import CatalogImportError

KIND_NAMES = (
    "layers",
    "categories",
    "tools",
    "former names",
    "secondary categories",
    "snapshots",
)

Progress = Callable[[Iterable, str, int], Iterable]


def no_progress(items: Iterable, description: str, total: int) -> Iterable:
    return items


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in KIND_NAMES}
    )
    notes: list[str] = field(default_factory=list)
    rankings_updated: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # the importer's CPU in it

    @property
    def changed(self) -> bool:
        return any(count.created or count.updated for count in self.counts.values())


@dataclass(frozen=True)
class LayerSpec:
    slug: str
    name: str
    position: int


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str
    layer: str
    position: int


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One checked row of ai_tools; where it came from is kept (for an error about it later),
    its cells are not (100,000 rows of cells would be hundreds of MB)."""

    file: str
    where: str
    full_name: str
    category: str
    source: str
    source_label: str
    also_listed_in: str
    former_names: tuple[str, ...]
    placement: str = ""  # "reviewed": the Strata review chose the category; "": the source did
    secondary_categories: tuple[str, ...] = ()  # category slugs, never the primary one

    def error(self, field: str, message: str) -> CatalogImportError:
        return CatalogImportError(f'{self.file} {self.where}, field "{field}": {message}')
