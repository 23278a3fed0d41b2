"""``manage.py refresh_loop``: keep the whole catalog fresh from this process, no broker.

``make run`` starts it next to the development server when ``GITHUB_TOKENS`` is set: it
refreshes every tool not refreshed for ``--max-age-hours`` (stalest first, so a new catalog is
done in one pass), waits out GitHub's rate limit when the budget runs out, then looks again
every ``--pause-minutes``. Progress goes to the terminal. Without a token it explains how to add
one and exits: 60 requests an hour would take days over a whole catalog.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import Tool
from workers.refresh.inprocess import refresh_in_process
from workers.refresh.runs import run_summary

NO_TOKEN_HELP = """\
Live numbers: GITHUB_TOKENS is not set, so the catalog is not refreshed in the background.
  A token lets Strata refresh every tool from GitHub (50 repositories per request) and keep
  them fresh while `make run` runs: stars, gains, activity, descriptions and languages.
  Create one at https://github.com/settings/tokens (a fine-grained token with no permissions
  is enough for public repositories), then:
      GITHUB_TOKENS=github_pat_... make run
  Without one, `manage.py refresh_metrics --limit 50` refreshes a few tools by hand
  (GitHub allows 60 requests an hour without a token)."""


def due_tools(*, max_age: timedelta) -> list[int]:
    """Ids of the tools not refreshed for ``max_age`` (never refreshed first, then stalest)."""
    cutoff = timezone.now() - max_age
    due = Tool.objects.filter(Q(last_refreshed_at__isnull=True) | Q(last_refreshed_at__lt=cutoff))
    ordering = (F("last_refreshed_at").asc(nulls_first=True), "pk")
    return list(due.order_by(*ordering).values_list("pk", flat=True))


class Command(BaseCommand):
    help = (
        "Refresh every tool not refreshed recently, in this process, then keep doing so "
        "(make run starts it when GITHUB_TOKENS is set). Ctrl-C stops it."
    )

    #: Stands in for time.sleep (tests replace it).
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-hours",
            type=float,
            default=6.0,
            help="refresh tools not refreshed for this long (default 6)",
        )
        parser.add_argument(
            "--pause-minutes",
            type=float,
            default=15.0,
            help="how long to wait between passes (default 15)",
        )
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args, max_age_hours: float, pause_minutes: float, once: bool, **options):
        if max_age_hours <= 0:
            raise CommandError("--max-age-hours must be above 0")
        if pause_minutes <= 0:
            raise CommandError("--pause-minutes must be above 0")
        if not settings.GITHUB_TOKENS:
            self.stdout.write(NO_TOKEN_HELP)
            return
        max_age = timedelta(hours=max_age_hours)
        try:
            while True:
                self._pass(max_age)
                if once:
                    return
                self.sleep(pause_minutes * 60)
        except KeyboardInterrupt:
            self.stdout.write("Background refresh stopped.")

    def _pass(self, max_age: timedelta) -> None:
        tool_ids = due_tools(max_age=max_age)
        if not tool_ids:
            return
        total = len(tool_ids)
        self._say(f"Refreshing {total} tools from GitHub in the background…")
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done += count
            self._say(f"  refreshed {done}/{total} tools ({100 * done // total}%)")

        result = refresh_in_process(
            tool_ids=tool_ids,
            wait=True,
            on_progress=progress,
            on_wait=lambda until: self._say(
                f"  GitHub's rate limit is spent; waiting for its reset at {until:%H:%M} UTC…"
            ),
        )
        self._say(run_summary(result.run))

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
