"""The database side of a catalog import: match, compare, and write in bulk.

Called by ``catalog.importing.importer`` inside its transaction, after every row has been checked.
Each ``*_sync`` loads what exists with a few queries, compares in memory, and writes only
what differs with ``bulk_create`` / ``bulk_update``; it counts created / updated /
unchanged / skipped rows on the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.utils import timezone

from catalog.importing.files import iter_batches
from catalog.importing.metrics import METRIC_FIELDS, ToolMetrics
from catalog.importing.snapshots import Merged
from catalog.importing.specs import CategorySpec, ImportReport, LayerSpec, ToolSpec
from catalog.models import Category, FormerName, Layer, Tool

BATCH = 500
PROVENANCE_FIELDS = ("source", "source_label", "also_listed_in")
TOOL_LOADED_FIELDS = (
    *("full_name", "category_id", "display_name", "short_description", "description"),
    *PROVENANCE_FIELDS,
    *METRIC_FIELDS,
    *("metrics_as_of", "license_spdx", "repo_created_at", "search_document"),
)


@dataclass
class ToolIndex:
    """The catalog's tools, and which one each file row and each owner/name stands for."""

    tools: dict[int, Tool]
    names: dict[str, int]  # lower-case full_name -> tool id
    former: dict[str, int]  # lower-case former name -> tool id
    topics: dict[int, list[str]]
    keys: dict[str, str]  # file row's lower-case full_name -> key ("#<id>" or "new:<name>")
    aliases: dict[str, str]  # any lower-case owner/name -> key

    @classmethod
    def load(cls, specs: list[ToolSpec]) -> ToolIndex:
        tools = {tool.pk: tool for tool in Tool.objects.only(*TOOL_LOADED_FIELDS)}
        names = {tool.full_name.lower(): pk for pk, tool in tools.items()}
        former = {n.lower(): pk for n, pk in FormerName.objects.values_list("full_name", "tool_id")}
        topics: dict[int, list[str]] = {}
        for tool_id, name in Tool.topics.through.objects.values_list("tool_id", "topic__name"):
            topics.setdefault(tool_id, []).append(name)
        aliases = {name: f"#{pk}" for name, pk in former.items()}
        aliases.update({name: f"#{pk}" for name, pk in names.items()})
        keys: dict[str, str] = {}
        claimed: dict[int, ToolSpec] = {}
        for spec in specs:
            lower = spec.full_name.lower()
            pk = names.get(lower) or former.get(lower)
            if pk is None:
                pk = next((names[o.lower()] for o in spec.former_names if o.lower() in names), None)
            if pk is not None and pk in claimed:
                raise spec.row.error(
                    "full_name",
                    f'"{spec.full_name}" is the same catalog tool ("{tools[pk].full_name}") '
                    f"as {claimed[pk].row.where}",
                )
            if pk is not None:
                claimed[pk] = spec
            keys[lower] = f"#{pk}" if pk is not None else f"new:{lower}"
        for spec in specs:
            key = keys[spec.full_name.lower()]
            aliases.update({old.lower(): key for old in spec.former_names})
            aliases[spec.full_name.lower()] = key
        return cls(tools, names, former, topics, keys, aliases)

    def resolve(self, full_name: str) -> str | None:
        return self.aliases.get(full_name.lower())

    def key_of(self, spec: ToolSpec) -> str:
        return self.keys[spec.full_name.lower()]


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


def tools_sync(
    specs: list[ToolSpec],
    index: ToolIndex,
    metrics: dict[str, ToolMetrics],
    merged: dict[str, Merged],
    categories: dict[str, Category],
    report: ImportReport,
) -> dict[str, int]:
    """Create and update tools; return the tool id of every key."""
    counts = report.counts["tools"]
    new: list[tuple[str, Tool]] = []
    changed: list[Tool] = []
    changed_fields: set[str] = set()
    ids = {f"#{pk}": pk for pk in index.tools}
    work: list[tuple[str, ToolSpec | None]] = [(index.key_of(spec), spec) for spec in specs]
    listed = {key for key, _ in work}
    work += [(key, None) for key in metrics if key.startswith("#") and key not in listed]
    for key, spec in work:
        tool = index.tools.get(int(key[1:])) if key.startswith("#") else None
        if tool is None:
            assert spec is not None  # a key without a row names a tool already in the catalog
            tool = Tool(
                full_name=spec.full_name,
                category=categories[spec.category],
                placement=spec.placement,
            )
        values = {name: getattr(spec, name) for name in PROVENANCE_FIELDS} if spec else {}
        values.update(_latest_values(tool, metrics.get(key), merged.get(key, {})))
        diff = {name: value for name, value in values.items() if getattr(tool, name) != value}
        for name, value in diff.items():
            setattr(tool, name, value)
        document = tool.compose_search_document(index.topics.get(tool.pk, []))
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
    Tool.objects.bulk_create([tool for _, tool in new], batch_size=BATCH)
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


def _latest_values(tool: Tool, tool_metrics: ToolMetrics | None, days: Merged) -> dict:
    """The tool's latest metrics: its newest merged snapshot, unless the tool has newer."""
    values: dict = {}
    if days:
        newest = max(days)
        facts = tool_metrics.facts if tool_metrics else None
        as_of = datetime.combine(newest, time.min, tzinfo=UTC)
        if facts and facts.as_of.date() == newest:
            as_of = facts.as_of
        if tool.metrics_as_of is None or tool.metrics_as_of <= as_of:
            # An empty cell means "not reported": it never erases a value the tool has.
            values.update({k: v for k, v in days[newest][0].items() if v is not None})
            values["metrics_as_of"] = as_of
    if tool_metrics and tool_metrics.facts:
        newer = "metrics_as_of" in values
        for name in ("license_spdx", "repo_created_at"):
            fact = getattr(tool_metrics.facts, name)
            if fact and (newer or not getattr(tool, name)):
                values[name] = fact
    return values


def former_names_sync(
    specs: list[ToolSpec], index: ToolIndex, ids: dict[str, int], report: ImportReport
) -> None:
    counts = report.counts["former names"]
    new: list[FormerName] = []
    for spec in specs:
        tool_id = ids[index.key_of(spec)]
        for old in spec.former_names:
            owner = index.former.get(old.lower()) or index.names.get(old.lower())
            if owner is None:
                new.append(FormerName(tool_id=tool_id, full_name=old))
            elif owner == tool_id and old.lower() in index.former:
                counts.unchanged += 1
            else:
                counts.skipped += 1
                holder = index.tools[owner].full_name
                why = "is still its name in the catalog" if owner == tool_id else f"is {holder}'s"
                report.notes.append(f'former name "{old}" of {spec.full_name} skipped: it {why}')
    FormerName.objects.bulk_create(new, batch_size=BATCH)
    counts.created += len(new)


def secondary_categories_sync(
    specs: list[ToolSpec],
    index: ToolIndex,
    ids: dict[str, int],
    categories: dict[str, Category],
    report: ImportReport,
) -> None:
    """Give tools the file's secondary categories where no curator has placed them.

    A new tool gets them; an existing one only while it has none and still sits in the
    file's primary category, so a curator's move or choice survives a re-import.
    """
    counts = report.counts["secondary categories"]
    through = Tool.secondary_categories.through
    tool_ids = [ids[index.key_of(spec)] for spec in specs if spec.secondary_categories]
    current: dict[int, set[int]] = {}
    for chunk in iter_batches(tool_ids, BATCH):
        rows = through.objects.filter(tool_id__in=chunk).values_list("tool_id", "category_id")
        for tool_id, category_id in rows:
            current.setdefault(tool_id, set()).add(category_id)
    new: list = []
    for spec in specs:
        if not spec.secondary_categories:
            continue
        key = index.key_of(spec)
        tool_id = ids[key]
        wanted = {categories[slug].pk for slug in spec.secondary_categories}
        have = current.get(tool_id, set())
        if have == wanted:
            counts.unchanged += len(wanted)
            continue
        existing = index.tools.get(tool_id) if key.startswith("#") else None
        if existing is not None and (have or existing.category_id != categories[spec.category].pk):
            counts.skipped += len(wanted)
            continue
        new += [through(tool_id=tool_id, category_id=pk) for pk in sorted(wanted)]
    through.objects.bulk_create(new, batch_size=BATCH)
    counts.created += len(new)
