"""``manage.py recompute_rankings [--tool OWNER/NAME ...]``: a thin wrapper around
``catalog.ranking.writer.recompute_rankings`` — run it after changing the score formula, so
every tool carries the new ``SCORE_VERSION`` (imports and refreshes only recompute the tools
they touch)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from catalog.models import Tool
from catalog.ranking.derive import SCORE_VERSION
from catalog.ranking.writer import recompute_rankings


class Command(BaseCommand):
    help = "Recompute star gains, growth, activity, scores and ranks (all tools by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--tool",
            action="append",
            default=[],
            metavar="OWNER/NAME",
            help="Only this tool (repeatable); its layer's ranks are renumbered too.",
        )

    def handle(self, *args, **options) -> None:
        tool_ids = None
        if options["tool"]:
            tool_ids = []
            for name in options["tool"]:
                tool = Tool.objects.by_full_name(name).only("id").first()
                if tool is None:
                    raise CommandError(f"--tool {name}: no such tool")
                tool_ids.append(tool.id)
        count = recompute_rankings(tool_ids=tool_ids)
        self.stdout.write(f"Rankings recomputed for {count} tools (score formula {SCORE_VERSION}).")
