"""``manage.py export_catalog DIR``: the catalog as the four files ``import_catalog`` reads;
a thin wrapper around ``catalog.exporting.catalog_export``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.exporting import catalog_export


class Command(BaseCommand):
    help = (
        "Export the catalog into DIR as taxonomy.csv, ai_tools.csv, metrics_history.csv.gz and "
        "metrics_snapshot.csv, which `import_catalog DIR` reads back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, metavar="DIR", help="where to write the files")

    def handle(self, *args: object, directory: Path, **options: object) -> None:
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a directory")
        try:
            report = catalog_export(directory=directory)
        except OSError as exc:
            raise CommandError(f"cannot write to {directory}: {exc}") from None
        for path, rows in zip(report.files, report.rows.values(), strict=True):
            self.stdout.write(f"{path}: {rows} rows")
