"""Which package may import which: the arrows of the architecture, checked on the source.

``catalog`` is the domain and depends on no other package of ours; ``api`` (the REST front end)
and ``workers`` (GitHub and the refresh pipeline) build on ``catalog`` and never on each other;
``config`` wires everything together and may import anything. An import in a function body
counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("catalog", "api", "workers", "config")
FORBIDDEN = {
    "catalog": {"api", "workers", "config"},
    "api": {"workers", "config"},
    "workers": {"api", "config"},
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """Each of our packages ``path`` imports, with the line of the import."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update((name.split(".")[0], node.lineno) for name in names)
    return {(package, line) for package, line in found if package in OURS}


def sources(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_only_what_lies_beneath_it(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sources(package)
        for imported, line in sorted(imported_packages(path))
        if imported in FORBIDDEN[package]
    ]
    assert wrong == []


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "def f():\n    from workers.tasks import refresh_batch\n    import api.urls\n"
    )

    assert imported_packages(module) == {("workers", 2), ("api", 3)}
