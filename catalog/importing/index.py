"""Which tool each file row stands for: the catalog's names as ids only.

A tool is known to the import by a *key*: its id when the catalog has it, or ``-(i + 1)`` for
the ``i``-th row of ai_tools when the import creates it. Names are matched case-insensitively,
by current name first and then by former name, so a tool a refresh has renamed is still
found. Only names and ids are held (about 30 MB at 100,000 tools); the rows themselves are
loaded a chunk at a time when they are compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from catalog.importing.specs import ToolSpec
from catalog.models import FormerName, Tool

FETCH = 5000


@dataclass
class ToolIndex:
    names: dict[str, int]  # lower-case full_name -> tool id
    former: dict[str, int]  # lower-case former name -> tool id
    keys: list[int]  # the key of each ai_tools row, in file order
    aliases: dict[str, int]  # the file's names and former names (lower-case) -> key
    max_id: int  # the largest tool id when the import started (0: no tools)

    @classmethod
    def load(cls, specs: list[ToolSpec]) -> ToolIndex:
        rows = Tool.objects.values_list("id", "full_name").iterator(chunk_size=FETCH)
        names = {full_name.lower(): pk for pk, full_name in rows}
        former = {n.lower(): pk for n, pk in FormerName.objects.values_list("full_name", "tool_id")}
        max_id = Tool.objects.aggregate(top=Max("id"))["top"] or 0
        keys: list[int] = []
        claimed: dict[int, int] = {}  # tool id -> index of the row that named it
        for number, spec in enumerate(specs):
            lower = spec.full_name.lower()
            pk = names.get(lower) or former.get(lower)
            if pk is None:
                pk = next((names[o.lower()] for o in spec.former_names if o.lower() in names), None)
            if pk is not None and pk in claimed:
                first = specs[claimed[pk]]
                raise spec.error(
                    "full_name",
                    f'"{spec.full_name}" is the same catalog tool ("{tool_name(pk)}") '
                    f"as {first.where}",
                )
            if pk is not None:
                claimed[pk] = number
            keys.append(pk if pk is not None else -(number + 1))
        aliases: dict[str, int] = {}
        for spec, key in zip(specs, keys, strict=True):
            aliases.update({old.lower(): key for old in spec.former_names})
            aliases[spec.full_name.lower()] = key
        return cls(names, former, keys, aliases, max_id)

    def resolve(self, full_name: str) -> int | None:
        """The key of a tool by any of its names (the file's first, then the catalog's)."""
        lower = full_name.lower()
        key = self.aliases.get(lower)
        if key is None:
            key = self.names.get(lower)
        if key is None:
            key = self.former.get(lower)
        return key


def tool_name(pk: int) -> str:
    """A catalog tool's current name (for a message; one query)."""
    return Tool.objects.values_list("full_name", flat=True).get(pk=pk)
