"""The batch around one-request-per-tool REST passes (contributors, star history).

Both passes run a batch the same way: find or start its ``RefreshRun`` (a redelivered batch
marks its run alive again), claim the tools, do the pass, then recompute the rankings of what
changed and give the claims back — neither of those two late steps can undo what was written,
so neither turns the run into a failure — and finish the run with its tally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress

from django.utils import timezone

from catalog.models import RefreshRun, Tool
from workers.github import GitHubClient
from workers.locks import tools_claim, tools_release
from workers.refresh.pipeline import (
    BatchOutcome,
    claim_ttl,
    claims_release,
    client_or_default,
    rankings_after_write,
    run_owner,
)
from workers.refresh.runs import run_failure_recorded, run_finish, run_keep_alive, run_start

#: A pass over claimed tools: ``work(tools=..., client=..., now=...)``.
PerToolPass = Callable[..., BatchOutcome]


def per_tool_batch(
    *, work: PerToolPass, run_kind: str, claim_kind: str, tool_ids: Sequence[int],
    run_id: int | None, trigger: str, client: GitHubClient | None,
) -> BatchOutcome:  # fmt: skip
    """Run ``work`` over ``tool_ids`` as one audited, claimed batch of kind ``run_kind``."""
    run = RefreshRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        if not Tool.objects.filter(pk__in=tool_ids).exists():
            return BatchOutcome()
        run = run_start(kind=run_kind, trigger=trigger, tools_total=len(tool_ids))
    else:
        run_keep_alive(run)  # a worker has the batch now (perhaps redelivered): not lost
    owner = run_owner(run)
    claimed = tools_claim(tool_ids=tool_ids, owner=owner, ttl=claim_ttl(), kind=claim_kind)
    try:
        tools = list(Tool.objects.filter(pk__in=claimed).order_by("pk"))
        with run_failure_recorded(run), client_or_default(client) as github:
            outcome = work(tools=tools, client=github, now=timezone.now())
    except BaseException:
        with suppress(Exception):
            tools_release(tool_ids=claimed, owner=owner, kind=claim_kind)
        raise
    rankings_after_write(tool_ids=outcome.refreshed_ids, tally=outcome.tally)
    claims_release(tool_ids=claimed, owner=owner, tally=outcome.tally, kind=claim_kind)
    run_finish(run=run, tally=outcome.tally)
    outcome.run = run
    return outcome
