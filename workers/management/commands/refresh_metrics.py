"""``manage.py refresh_metrics``: the Celery refresh pipeline run in this process, no broker."""

from __future__ import annotations

import sys
from datetime import UTC

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.utils import timezone
from tqdm import tqdm

from catalog.models import Category, Tool
from workers.github import NO_TOKEN_WARNING
from workers.refresh.inprocess import refresh_in_process
from workers.refresh.runs import run_summary


class Command(BaseCommand):
    help = (
        "Refresh tools' GitHub metrics now, in this process (the same pipeline the workers run). "
        "Without options: every tool, stalest first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tool",
            action="append",
            default=[],
            metavar="OWNER/NAME",
            help="only this tool (repeatable)",
        )
        parser.add_argument("--category", metavar="SLUG", help="only tools in this category")
        parser.add_argument("--limit", type=int, metavar="N", help="at most N tools, stalest first")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list what would be refreshed; contact GitHub for nothing",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="when the rate limit is spent, wait for its reset and go on",
        )

    def handle(
        self,
        *args,
        tool: list[str],
        category: str | None,
        limit: int | None,
        dry_run: bool,
        wait: bool,
        **options,
    ):
        tool_ids = self._select(names=tool, category=category, limit=limit)
        has_token = bool(settings.GITHUB_TOKENS)
        if not has_token:
            self.stderr.write(self.style.WARNING(NO_TOKEN_WARNING))
        if dry_run:
            return self._dry_run(tool_ids, has_token=has_token)
        if not tool_ids:
            self.stdout.write("No tools to refresh.")
            return
        bar = tqdm(total=len(tool_ids), unit="tool", disable=not sys.stderr.isatty())
        result = refresh_in_process(
            tool_ids=tool_ids,
            wait=wait,
            on_progress=bar.update,
            on_wait=lambda until: bar.write(
                f"Rate limit spent; waiting for the reset at {until:%H:%M:%S} UTC…"
            ),
        )
        bar.close()
        self.stdout.write(run_summary(result.run))
        if result.left:
            self.stdout.write(self.style.WARNING(_stopped_message(result.left, result.reset_at)))

    def _select(self, *, names: list[str], category: str | None, limit: int | None) -> list[int]:
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        tools = Tool.objects.all()
        if names:
            found = Tool.objects.by_names(names)  # a former name finds the renamed tool too
            for name in names:
                if name.strip().lower() not in found:
                    raise CommandError(f"--tool {name}: no tool with that owner/name")
            tools = tools.filter(pk__in=[tool.pk for tool in found.values()])
        if category:
            if not Category.objects.filter(slug=category).exists():
                raise CommandError(f"--category {category}: no category with that slug")
            tools = tools.filter(category__slug=category)
        stalest_first = tools.order_by(F("last_refreshed_at").asc(nulls_first=True), "pk")
        ids = stalest_first.values_list("pk", flat=True)
        return list(ids[:limit] if limit else ids)

    def _dry_run(self, tool_ids: list[int], *, has_token: bool) -> None:
        tools = Tool.objects.in_bulk(tool_ids)
        for tool_id in tool_ids:
            tool = tools[tool_id]
            when = timezone.localtime(tool.last_refreshed_at) if tool.last_refreshed_at else None
            self.stdout.write(f"{tool.full_name}  (last refreshed: {when or 'never'})")
        per_batch = settings.GITHUB_BATCH_SIZE if has_token else 1
        requests = -(-len(tool_ids) // per_batch)
        self.stdout.write(
            f"Dry run: {len(tool_ids)} tools would be refreshed in about {requests} GitHub "
            f"request{pluralize(requests)}. Nothing was fetched or written."
        )


def _stopped_message(left: int, reset_at) -> str:
    if reset_at is None:
        return f"Stopped: GitHub kept asking to slow down; {left} tools left. Run again later."
    return (
        f"Stopped at GitHub's rate limit: {left} tools left; the budget resets at "
        f"{reset_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC. Run again then, or pass --wait."
    )
