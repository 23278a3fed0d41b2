"""Import a catalog — the bundled one or a user's own — into the database.

``catalog_import(paths=...)`` reads up to four files (``taxonomy``, ``ai_tools``,
``metrics_history``, ``metrics_snapshot``; CSV or JSON, optionally gzipped), checks every
row, then writes everything in one transaction. Any bad row raises
:class:`~catalog.importing.files.CatalogImportError` naming file, line and field, and the
database is left exactly as it was.

Rules (see also ``catalog.importing.metrics`` for how sources are merged):

- Idempotent: a second run with the same files changes nothing and reports so.
- Tools are matched case-insensitively by owner/name, then by a former name, so a tool a
  refresh has renamed is still found. The importer never renames, hides or deletes a tool.
- A tool's category (and ``placement``, who chose it) is set only when the import creates
  it: a curator's move survives a re-import. ``Tool.CURATED_FIELDS`` are never written.
- Secondary categories are set when the import creates the tool, and later only while
  the tool has none and still sits in the file's primary category (nobody has placed it
  by hand): a curator's choice survives a re-import.
- Layers and categories follow the taxonomy file (name, description, order).
- A tool's latest metrics are its newest imported snapshot's values, applied only when
  that snapshot is at least as new as what the tool already has (a refresh's fresher
  numbers win). A value nobody reported stays NULL and never erases a known one.
- Snapshots a refresh recorded (a source no import file names) are never overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from catalog.importing import snapshots as import_snapshots
from catalog.importing import writes as import_writes
from catalog.importing.files import CatalogFile, Row, catalog_files_find
from catalog.importing.metrics import (
    HISTORY_REQUIRED,
    SNAPSHOT_REQUIRED,
    SOURCE_PRECEDENCE,
    ToolMetrics,
    history_observation,
    snapshot_observation,
)
from catalog.importing.specs import (
    CategorySpec,
    ImportReport,
    LayerSpec,
    Progress,
    ToolSpec,
    no_progress,
)
from catalog.models import Category, Layer, PlacementSource

__all__ = ["BUNDLED_CATALOG", "catalog_import"]

BUNDLED_CATALOG = Path(__file__).resolve().parent.parent / "data"


def catalog_import(
    *, paths: Sequence[Path] | None = None, progress: Progress = no_progress
) -> ImportReport:
    """Import the catalog files found in ``paths`` (default: the bundled catalog)."""
    files = catalog_files_find([Path(p) for p in paths] if paths else [BUNDLED_CATALOG])
    report = ImportReport(files=[str(f.path) for f in files.values()])
    with transaction.atomic():
        layers, categories = _read_taxonomy(files.get("taxonomy"))
        specs = _read_tools(files.get("ai_tools"), layers, categories)
        index = import_writes.ToolIndex.load(specs)
        metrics = _read_metrics(files, index, progress)
        layer_rows = import_writes.layers_sync(layers.values(), report)
        category_rows = import_writes.categories_sync(categories.values(), layer_rows, report)
        merged = import_snapshots.merged_days(metrics, report)
        tool_ids = import_writes.tools_sync(specs, index, metrics, merged, category_rows, report)
        import_writes.former_names_sync(specs, index, tool_ids, report)
        import_writes.secondary_categories_sync(specs, index, tool_ids, category_rows, report)
        import_snapshots.snapshots_sync(merged, tool_ids, _sources(metrics), report, progress)
        if report.changed:  # placement, metrics or history changed: ranks may have too
            from catalog.ranking.writer import recompute_rankings

            report.rankings_updated = recompute_rankings()
    return report


def _sources(metrics: dict[str, ToolMetrics]) -> set[str]:
    """Source names an import may write; a snapshot from any other source is a refresh's."""
    names = set(SOURCE_PRECEDENCE) | {"metrics_history", "metrics_snapshot"}
    for tool_metrics in metrics.values():
        for observations in tool_metrics.observations.values():
            names.update(observation.source for observation in observations)
    return names


def _read_taxonomy(
    file: CatalogFile | None,
) -> tuple[dict[str, LayerSpec | None], dict[str, CategorySpec | str]]:
    """Layers and categories by slug: the file's specs, plus (as a layer slug) the database's."""
    layers: dict[str, LayerSpec | None] = dict.fromkeys(
        Layer.objects.values_list("slug", flat=True)
    )
    categories: dict[str, CategorySpec | str] = dict(
        Category.objects.values_list("slug", "layer__slug")
    )
    if file is None:
        return layers, categories
    defined: dict[str, Row] = {}
    file_layers: dict[str, tuple[LayerSpec, Row]] = {}
    per_layer: dict[str, int] = {}
    for row in file.rows(required=("layer_slug", "layer_name", "category_slug", "category_name")):
        layer_slug = row.slug("layer_slug")
        layer_name = row.text("layer_name", max_length=100, required=True)
        slug = row.slug("category_slug")
        if layer_slug not in file_layers:
            file_layers[layer_slug] = (LayerSpec(layer_slug, layer_name, len(file_layers) + 1), row)
        elif file_layers[layer_slug][0].name != layer_name:
            first = file_layers[layer_slug]
            raise row.error(
                "layer_name",
                f'"{layer_name}" differs from "{first[0].name}" given for layer '
                f'"{layer_slug}" on {first[1].where}',
            )
        if slug in defined:
            where = defined[slug].where
            raise row.error("category_slug", f'"{slug}" is already defined on {where}')
        defined[slug] = row
        per_layer[layer_slug] = per_layer.get(layer_slug, 0) + 1
        categories[slug] = CategorySpec(
            slug=slug,
            name=row.text("category_name", max_length=100, required=True),
            description=row.text("description"),
            layer=layer_slug,
            position=per_layer[layer_slug],
        )
    layers.update({slug: spec for slug, (spec, _) in file_layers.items()})
    return layers, categories


def _read_tools(
    file: CatalogFile | None, layers: dict, categories: dict[str, CategorySpec | str]
) -> list[ToolSpec]:
    if file is None:
        return []
    specs: list[ToolSpec] = []
    names: dict[str, tuple[str, Row]] = {}
    former: dict[str, Row] = {}
    for row in file.rows(required=("full_name", "layer", "category")):
        full_name = row.full_name()
        layer = row.text("layer", required=True)
        category = row.text("category", required=True)
        if layer not in layers:
            raise row.error("layer", f'unknown layer "{layer}"')
        if category not in categories:
            raise row.error("category", f'unknown category "{category}"')
        spec = categories[category]
        owner = spec.layer if isinstance(spec, CategorySpec) else spec
        if owner != layer:
            raise row.error(
                "category", f'category "{category}" belongs to layer "{owner}", not "{layer}"'
            )
        key = full_name.lower()
        if key in names:
            spelled, first = names[key]
            raise row.error(
                "full_name",
                f'"{full_name}" duplicates "{spelled}" on {first.where} '
                "(names are unique regardless of case)",
            )
        if key in former:
            raise row.error(
                "full_name", f'"{full_name}" is listed as a former name on {former[key].where}'
            )
        olds = tuple(name for name in row.names("former_names") if name.lower() != key)
        for old in olds:
            if old.lower() in names:
                first = names[old.lower()][1]
                raise row.error("former_names", f'"{old}" is a tool of its own on {first.where}')
            if old.lower() in former:
                where = former[old.lower()].where
                raise row.error("former_names", f'"{old}" is already a former name on {where}')
            former[old.lower()] = row
        names[key] = (full_name, row)
        specs.append(
            ToolSpec(
                row=row,
                full_name=full_name,
                category=category,
                source=row.text("source", max_length=64),
                source_label=row.text("source_label", max_length=200),
                also_listed_in=row.text("also_listed_in", max_length=500),
                former_names=olds,
                placement=_placement(row),
                secondary_categories=_secondary_categories(row, category, categories),
            )
        )
    return specs


def _placement(row: Row) -> str:
    value = row.text("placement")
    if value not in PlacementSource.values:
        allowed = " or ".join(f'"{v}"' for v in PlacementSource.values)
        raise row.error("placement", f'unknown value "{value}"; allowed: {allowed}')
    return value


def _secondary_categories(
    row: Row, primary: str, categories: dict[str, CategorySpec | str]
) -> tuple[str, ...]:
    """The ``;``-separated category slugs of a tool that truly spans several categories."""
    slugs: list[str] = []
    for slug in (part.strip() for part in row.text("secondary_categories").split(";")):
        if not slug:
            continue
        if slug not in categories:
            raise row.error("secondary_categories", f'unknown category "{slug}"')
        if slug == primary:
            raise row.error("secondary_categories", f'"{slug}" is already the primary category')
        if slug in slugs:
            raise row.error("secondary_categories", f'"{slug}" is listed twice')
        slugs.append(slug)
    return tuple(slugs)


def _read_metrics(
    files: dict[str, CatalogFile], index: import_writes.ToolIndex, progress: Progress
) -> dict[str, ToolMetrics]:
    metrics: dict[str, ToolMetrics] = {}

    def tool_key(row: Row, full_name: str) -> str:
        key = index.resolve(full_name)
        if key is None:
            raise row.error("full_name", f'no tool "{full_name}" in ai_tools or the catalog')
        return key

    if history := files.get("metrics_history"):
        rows = history.rows(required=HISTORY_REQUIRED, allow_no_rows=True)
        seen: dict[tuple, str] = {}  # (tool, day, source) -> where, to name a repeat
        for row in progress(rows, f"Reading {history.label}", rows.total):
            full_name, day, observation = history_observation(row, "metrics_history")
            key = tool_key(row, full_name)
            if (key, day, observation.source) in seen:
                first = seen[key, day, observation.source]
                raise row.error("date", f"{day} from {observation.source} repeats {first}")
            seen[key, day, observation.source] = row.where
            metrics.setdefault(key, ToolMetrics()).observations[day].append(observation)
    if snapshot := files.get("metrics_snapshot"):
        firsts: dict[str, str] = {}
        for row in snapshot.rows(required=SNAPSHOT_REQUIRED, allow_no_rows=True):
            full_name, day, observation, facts = snapshot_observation(row, "metrics_snapshot")
            key = tool_key(row, full_name)
            if key in firsts:
                raise row.error("full_name", f'"{full_name}" repeats {firsts[key]}')
            firsts[key] = row.where
            tool_metrics = metrics.setdefault(key, ToolMetrics())
            tool_metrics.observations[day].append(observation)
            tool_metrics.facts = facts
    return metrics
