"""The database side of a catalog import: match, compare, and write in bulk.

Called by ``catalog.importing.importer`` inside its transaction. Each ``*_sync`` loads what
exists with a few queries (tools: one bucket's, a chunk at a time), compares in memory, and
writes only what differs with ``bulk_create`` / ``bulk_update``; it counts created / updated
/ unchanged / skipped rows on the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time

from django.utils import timezone

from catalog.importing.bulk import objects_insert
from catalog.importing.files import iter_batches
from catalog.importing.index import ToolIndex, tool_name
from catalog.importing.metrics import METRIC_FIELDS, Observation, Values, moment_of
from catalog.importing.specs import CategorySpec, ImportReport, LayerSpec, ToolSpec
from catalog.models import Category, FormerName, Layer, Tool

BATCH = 500  # rows per INSERT / UPDATE statement
LOOKUP = 2000  # ids per ``IN (…)`` when loading what the catalog has
PROVENANCE_FIELDS = ("source", "source_label", "also_listed_in")
TOOL_LOADED_FIELDS = (
    *("full_name", "category_id", "display_name", "short_description", "description"),
    *PROVENANCE_FIELDS,
    *METRIC_FIELDS,
    *("metrics_as_of", "license_spdx", "repo_created_at", "search_document"),
)


def layers_sync(specs: Iterable[LayerSpec | None], report: ImportReport) -> dict[str, Layer]:
    existing = {layer.slug: layer for layer in Layer.objects.all()}
    wanted = [spec for spec in specs if spec is not None]
    fields = {spec.slug: {"name": spec.name, "position": spec.position} for spec in wanted}
    created = _sync_small(Layer, existing, fields, report.counts["layers"])
    return {layer.slug: layer for layer in [*existing.values(), *created]}


def categories_sync(
    specs: Iterable[CategorySpec | str], layers: dict[str, Layer], report: ImportReport
) -> dict[str, Category]:
    existing = {category.slug: category for category in Category.objects.all()}
    fields = {
        spec.slug: {
            "name": spec.name,
            "description": spec.description,
            "position": spec.position,
            "layer_id": layers[spec.layer].pk,
        }
        for spec in specs
        if not isinstance(spec, str)
    }
    created = _sync_small(Category, existing, fields, report.counts["categories"])
    return {category.slug: category for category in [*existing.values(), *created]}


def _sync_small(model, existing: dict, wanted: dict[str, dict], counts) -> list:
    new: list = []
    changed: list = []
    changed_fields: set[str] = set()
    for slug, values in wanted.items():
        row = existing.get(slug)
        if row is None:
            new.append(model(slug=slug, **values))
            continue
        diff = {name: value for name, value in values.items() if getattr(row, name) != value}
        for name, value in diff.items():
            setattr(row, name, value)
        changed_fields |= diff.keys()
        if diff:
            changed.append(row)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, sorted(changed_fields))
    counts.created += len(new)
    counts.updated += len(changed)
    counts.unchanged += len(wanted) - len(new) - len(changed)
    return new


Latest = tuple[int | None, Values | None, Observation | None]  # newest day, its values, snapshot


def tools_sync(
    work: list[tuple[int, ToolSpec | None]],
    latest: dict[int, Latest],
    categories: dict[str, Category],
    report: ImportReport,
) -> dict[int, int]:
    """Create and update one bucket's tools (key, and its ai_tools row if it has one);
    return the tool id of every key."""
    counts = report.counts["tools"]
    new: list[tuple[int, Tool]] = []
    changed: list[Tool] = []
    changed_fields: set[str] = set()
    ids = {key: key for key, _ in work if key > 0}
    tools, topics = _stored_tools(list(ids))
    new_tool = _new_tool_maker()
    for key, spec in work:
        tool = tools.get(key) if key > 0 else None
        if tool is None:
            assert spec is not None  # a key without a row names a tool already in the catalog
            tool = new_tool(spec.full_name, categories[spec.category].pk, spec.placement)
        values = {name: getattr(spec, name) for name in PROVENANCE_FIELDS} if spec else {}
        if key in latest:
            values.update(_latest_values(tool, *latest[key]))
        diff = {name: value for name, value in values.items() if getattr(tool, name) != value}
        for name, value in diff.items():
            setattr(tool, name, value)
        document = tool.compose_search_document(topics.get(tool.pk, []))
        if document != tool.search_document:
            tool.search_document = document
            diff["search_document"] = document
        if tool.pk is None:
            new.append((key, tool))
        elif diff:
            changed.append(tool)
            changed_fields |= diff.keys()
        else:
            counts.unchanged += 1
    objects_insert(Tool, [tool for _, tool in new])
    ids.update({key: tool.pk for key, tool in new})
    if changed:
        now = timezone.now()
        for tool in changed:
            tool.updated_at = now
        fields = sorted(changed_fields | {"updated_at"})
        Tool.objects.bulk_update(changed, fields, batch_size=BATCH)
    counts.created += len(new)
    counts.updated += len(changed)
    return ids


def _new_tool_maker() -> Callable[[str, int, str], Tool]:
    """A function making a new ``Tool`` (full name, category id, placement; every other field
    its default), as ``Tool(full_name=…, category_id=…, placement=…)`` would, ~5x faster.

    With keywords Django looks each of the ~65 fields up among them and asks it for its
    default: ~26 µs a tool, seconds in a big import. The defaults are worked out here once
    and the tool made by Django's positional path (``Tool(*values)``, which sets each field's
    value as it is). A default that is a callable (a fresh ``dict``) is called for each tool,
    as Django does."""
    fields = Tool._meta.concrete_fields
    defaults = [field.get_default() for field in fields]
    fresh = [
        (index, field.get_default)
        for index, field in enumerate(fields)
        if field.has_default() and callable(field.default)
    ]
    at = {field.attname: index for index, field in enumerate(fields)}
    name_at, category_at, placement_at = at["full_name"], at["category_id"], at["placement"]

    def new_tool(full_name: str, category_id: int, placement: str) -> Tool:
        values = defaults.copy()
        for index, default in fresh:
            values[index] = default()
        values[name_at], values[category_at] = full_name, category_id
        values[placement_at] = placement
        return Tool(*values)

    return new_tool


def _stored_tools(tool_ids: list[int]) -> tuple[dict[int, Tool], dict[int, list[str]]]:
    """The catalog's rows for these tools (the compared fields only) and their topics."""
    tools: dict[int, Tool] = {}
    topics: dict[int, list[str]] = {}
    through = Tool.topics.through
    for chunk in iter_batches(tool_ids, LOOKUP):
        stored = Tool.objects.only(*TOOL_LOADED_FIELDS).filter(pk__in=chunk)
        tools.update((tool.pk, tool) for tool in stored)
        rows = through.objects.filter(tool_id__in=chunk).values_list("tool_id", "topic__name")
        for tool_id, name in rows:
            topics.setdefault(tool_id, []).append(name)
    return tools, topics


def _latest_values(
    tool: Tool, newest: int | None, values: Values | None, snapshot: Observation | None
) -> dict:
    """The tool's latest metrics: its newest merged snapshot, unless the tool has newer."""
    result: dict = {}
    facts = snapshot[6] if snapshot else None
    if newest is not None and values is not None:
        as_of = datetime.combine(date.fromordinal(newest), time.min, tzinfo=UTC)
        if snapshot and facts and snapshot[1] == newest:
            as_of = moment_of(facts[0]) or as_of
        if tool.metrics_as_of is None or tool.metrics_as_of <= as_of:
            # An empty cell means "not reported": it never erases a value the tool has.
            for name, value in zip(METRIC_FIELDS, values, strict=True):
                if value is not None:
                    result[name] = moment_of(value) if name == "pushed_at" else value
            result["metrics_as_of"] = as_of
    if facts:
        newer = "metrics_as_of" in result
        for name, fact in (("license_spdx", facts[1]), ("repo_created_at", moment_of(facts[2]))):
            if fact and (newer or not getattr(tool, name)):
                result[name] = fact
    return result


def former_names_sync(
    specs: list[ToolSpec], index: ToolIndex, ids: list[int], report: ImportReport
) -> None:
    """Record the file's former names (``ids``: the tool id of each ai_tools row)."""
    counts = report.counts["former names"]
    new: list[FormerName] = []
    for spec, tool_id in zip(specs, ids, strict=True):
        for old in spec.former_names:
            owner = index.former.get(old.lower()) or index.names.get(old.lower())
            if owner is None:
                new.append(FormerName(tool_id=tool_id, full_name=old))
            elif owner == tool_id and old.lower() in index.former:
                counts.unchanged += 1
            else:
                counts.skipped += 1
                why = (
                    "is still its name in the catalog"
                    if owner == tool_id
                    else f"is {tool_name(owner)}'s"
                )
                report.notes.append(f'former name "{old}" of {spec.full_name} skipped: it {why}')
    FormerName.objects.bulk_create(new, batch_size=BATCH)
    counts.created += len(new)


def secondary_categories_sync(
    specs: list[ToolSpec],
    index: ToolIndex,
    ids: list[int],
    categories: dict[str, Category],
    report: ImportReport,
) -> None:
    """Give tools the file's secondary categories where no curator has placed them.

    A new tool gets them; an existing one only while it has none and still sits in the
    file's primary category, so a curator's move or choice survives a re-import.
    """
    counts = report.counts["secondary categories"]
    through = Tool.secondary_categories.through
    placed = [
        (spec, key, tool_id)
        for spec, key, tool_id in zip(specs, index.keys, ids, strict=True)
        if spec.secondary_categories
    ]
    current: dict[int, set[int]] = {}
    primary: dict[int, int] = {}  # the catalog's tools: category before this import
    for chunk in iter_batches([tool_id for _, key, tool_id in placed if key > 0], LOOKUP):
        rows = through.objects.filter(tool_id__in=chunk).values_list("tool_id", "category_id")
        for tool_id, category_id in rows:
            current.setdefault(tool_id, set()).add(category_id)
        primary.update(Tool.objects.filter(pk__in=chunk).values_list("pk", "category_id"))
    new: list = []
    for spec, key, tool_id in placed:
        wanted = {categories[slug].pk for slug in spec.secondary_categories}
        have = current.get(tool_id, set())
        if have == wanted:
            counts.unchanged += len(wanted)
            continue
        if key > 0 and (have or primary[tool_id] != categories[spec.category].pk):
            counts.skipped += len(wanted)
            continue
        new += [through(tool_id=tool_id, category_id=pk) for pk in sorted(wanted)]
    through.objects.bulk_create(new, batch_size=BATCH)
    counts.created += len(new)
