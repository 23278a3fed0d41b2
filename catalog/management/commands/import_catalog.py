"""``manage.py import_catalog [PATH ...] [--if-empty] [--no-progress]``: a thin wrapper
around ``catalog.importing.catalog_import``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.importing import (
    BUNDLED_CATALOG,
    KIND_NAMES,
    CatalogImportError,
    ImportReport,
    catalog_import,
)
from catalog.importing import no_progress as quiet
from catalog.models import Tool


class Command(BaseCommand):
    help = (
        "Import a catalog: the bundled one (no PATH), or directories/files named taxonomy, "
        "ai_tools, metrics_history, metrics_snapshot (.csv, .json, optionally .gz). "
        "Idempotent; a bad row stops the import and changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            metavar="PATH",
            help="a directory of catalog files, or single files (default: the bundled catalog)",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the catalog has tools"
        )
        parser.add_argument("--no-progress", action="store_true", help="never show progress bars")

    def handle(self, *args, paths: list[Path], if_empty: bool, no_progress: bool, **options):
        self.verbosity = options.get("verbosity", 1)
        if if_empty and (count := Tool.objects.count()):
            self.stdout.write(f"The catalog already has {count} tools; nothing imported.")
            return
        progress = quiet if no_progress or not self.stdout.isatty() else self._progress
        self.stdout.write(f"Importing {', '.join(map(str, paths)) or BUNDLED_CATALOG} …")
        try:
            report = catalog_import(paths=paths, progress=progress)
        except CatalogImportError as exc:
            raise CommandError(f"{exc}\nNothing was imported.") from None
        self._summary(report)

    def _progress(self, items: Iterable, description: str, total: int) -> Iterable:
        # tqdm draws with \r, so it writes to the raw stream, not Django's line-ending wrapper.
        return tqdm(items, desc=description, total=total, file=self.stdout._out, leave=False)

    def _summary(self, report: ImportReport) -> None:
        for note in report.notes:
            self.stdout.write(f"  note: {note}")
        width = max(map(len, KIND_NAMES))
        for kind in KIND_NAMES:
            c = report.counts[kind]
            self.stdout.write(
                f"  {kind:<{width}}  {c.created:>7} created  {c.updated:>7} updated  "
                f"{c.unchanged:>7} unchanged  {c.skipped:>7} skipped"
            )
        if self.verbosity >= 2 and report.seconds:
            steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report.seconds.items())
            self.stdout.write(f"  time: {steps}")
            steps = ", ".join(f"{step} {cpu:.1f} s" for step, cpu in report.cpu_seconds.items())
            self.stdout.write(f"  cpu: {steps}")
        if report.changed:
            if report.rankings_updated is not None:
                self.stdout.write(f"  rankings recomputed for {report.rankings_updated} tools")
            self.stdout.write(self.style.SUCCESS("Import finished."))
        else:
            self.stdout.write(self.style.SUCCESS("Import finished: nothing changed."))
