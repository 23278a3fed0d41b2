"""Reading the taxonomy and the tool list into checked specs (no database writes).

Both files are small next to the history (a row per category, a row per tool), but a tool list
may have 100,000 rows: a spec keeps the checked values and where the row was, not its cells,
and the cross-row checks (a name given twice, a former name that is a tool of its own) keep
only names and row numbers.
"""

from __future__ import annotations

import sys

from catalog.importing.files import CatalogFile, Row
from catalog.importing.specs import CategorySpec, LayerSpec, ToolSpec
from catalog.models import Category, Layer, PlacementSource


def read_taxonomy(
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


def read_tools(
    file: CatalogFile | None, layers: dict, categories: dict[str, CategorySpec | str]
) -> list[ToolSpec]:
    if file is None:
        return []
    specs: list[ToolSpec] = []
    names: dict[str, int] = {}  # lower-case full_name -> index in specs
    former: dict[str, str] = {}  # lower-case former name -> where it was given
    intern = sys.intern  # a category or source repeats on thousands of rows: store it once
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
            first = specs[names[key]]
            raise row.error(
                "full_name",
                f'"{full_name}" duplicates "{first.full_name}" on {first.where} '
                "(names are unique regardless of case)",
            )
        if key in former:
            raise row.error(
                "full_name", f'"{full_name}" is listed as a former name on {former[key]}'
            )
        olds = tuple(name for name in row.names("former_names") if name.lower() != key)
        for old in olds:
            if old.lower() in names:
                where = specs[names[old.lower()]].where
                raise row.error("former_names", f'"{old}" is a tool of its own on {where}')
            if old.lower() in former:
                where = former[old.lower()]
                raise row.error("former_names", f'"{old}" is already a former name on {where}')
            former[old.lower()] = row.where
        names[key] = len(specs)
        specs.append(
            ToolSpec(
                file=row.file,
                where=row.where,
                full_name=full_name,
                category=intern(category),
                source=intern(row.text("source", max_length=64)),
                source_label=intern(row.text("source_label", max_length=200)),
                also_listed_in=intern(row.text("also_listed_in", max_length=500)),
                former_names=olds,
                placement=intern(_placement(row)),
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
        slugs.append(sys.intern(slug))
    return tuple(slugs)
