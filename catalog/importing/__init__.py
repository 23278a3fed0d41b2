"""The catalog importer: the bundled catalog or a user's own files into the database.

``files`` streams CSV/JSON (optionally gzipped) rows and checks their cells; ``reading``
checks the taxonomy and tool list into ``specs``; ``index`` matches names to tool ids;
``metrics`` turns metric rows into observations and merges sources; ``staging`` holds the
observations by bucket of tools (spilled to disk for a big history); ``writes``,
``snapshots`` and ``bulk`` compare with the database and write in bulk (``COPY`` on
PostgreSQL); ``indexes`` builds the secondary indexes after a large load; ``importer`` runs
the steps in one transaction. Modules here import
``catalog.models``, ``catalog.ranking`` and each other, never ``api``, ``workers`` or
``config``.
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
