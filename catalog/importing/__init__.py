"""The catalog importer: the bundled catalog or a user's own files into the database.

``files`` reads CSV/JSON (optionally gzipped) rows and checks their cells; ``metrics`` turns
metric rows into observations and merges sources; ``specs`` holds the checked specs and the
report the steps share; ``writes`` and ``snapshots`` compare with the database and write in
bulk; ``importer`` runs the steps in one transaction. Modules here import ``catalog.models``,
``catalog.ranking`` and each other in that order (files → metrics → specs → snapshots →
writes → importer), never ``api``, ``workers`` or ``config``.
"""

from catalog.importing.files import CatalogImportError
from catalog.importing.importer import BUNDLED_CATALOG, catalog_import
from catalog.importing.specs import KIND_NAMES, ImportReport, no_progress

__all__ = [
    "BUNDLED_CATALOG",
    "KIND_NAMES",
    "CatalogImportError",
    "ImportReport",
    "catalog_import",
    "no_progress",
]
