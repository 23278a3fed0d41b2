"""Write what GitHub reported about a batch of tools: a handful of bulk queries per batch.

Only GitHub facts, metrics and refresh bookkeeping are written — never ``Tool.CURATED_FIELDS``.
A failure only touches the bookkeeping (status, last error, failure count): stored metrics and
snapshots are never zeroed or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from fast_update.fast import fast_update

from catalog.concurrency import retry_conflicts, tools_lock
from catalog.models import FormerName, MetricSnapshot, Tool, ToolStatus, Topic
from workers.github import RepoFacts, RepoResult, RepoStatus
from workers.refresh.runs import RefreshTally

FACT_FIELDS = [
    "full_name", "github_id", "github_node_id", "description", "github_homepage", "license_spdx",
    "language", "repo_created_at", "pushed_at", "archived", "is_fork", "status", "stars", "forks",
    "watchers", "open_issues", "open_pull_requests", "commits_90d", "release_count",
    "last_release_at", "metrics_as_of", "last_refreshed_at", "last_refresh_error",
    "consecutive_failures", "search_document", "updated_at",
]  # fmt: skip
FAILURE_FIELDS = ["status", "last_refresh_error", "consecutive_failures", "updated_at"]
SNAPSHOT_FIELDS = [*MetricSnapshot.METRIC_FIELDS, "source"]

MISSING_ERROR = "GitHub: repository not found (deleted, made private, or renamed away)"
BLOCKED_ERROR = "GitHub: repository unavailable for legal reasons (HTTP 451, e.g. DMCA takedown)"
DISABLED_ERROR = "GitHub: repository disabled by GitHub"


def tools_write_results(
    *, tools: dict[str, Tool], results: Iterable[RepoResult], now: datetime, source: str
) -> tuple[RefreshTally, list[int]]:
    """Apply ``results`` (keyed by ``str(tool.id)``) to ``tools``; return the tally and ok ids."""
    tally = RefreshTally()
    ok: list[tuple[Tool, RepoFacts]] = []
    failed: list[Tool] = []
    notes: dict[int, str] = {}
    for result in results:
        tool = tools.get(result.key)
        if tool is None:
            continue
        if result.status == RepoStatus.OK and result.facts is not None:
            ok.append((tool, result.facts))
            if result.error:  # partial data: what came is written, what did not is kept
                notes[tool.pk] = f"GitHub: {result.error}"
        else:
            _note_failure(tool, result, tally)
            failed.append(tool)
    for tool in failed:
        tool.updated_at = now
    identities = {tool.pk: (tool.full_name, tool.github_id) for tool, _ in ok}
    failures = list(tally.errors)

    def attempt() -> list[tuple[Tool, str]]:
        # From the tools as read: an attempt the database rolled back left them renamed.
        for tool, _ in ok:
            tool.full_name, tool.github_id = identities[tool.pk]
        tally.errors[:] = failures
        return _write(ok, failed, now=now, tally=tally, notes=notes, source=source)

    try:
        renamed = retry_conflicts(attempt)
    except IntegrityError:
        # Another worker took a name or GitHub id between our reads and our write (two tools
        # for one repository in two batches): read again, which now shows it, and write once more.
        renamed = retry_conflicts(attempt)
    tally.ok = len(ok)
    tally.renamed = len(renamed)
    return tally, [tool.pk for tool, _ in ok]


def _write(ok, failed, *, now, tally, notes, source) -> list[tuple[Tool, str]]:
    with transaction.atomic():
        renamed = _apply_facts(ok, now=now, tally=tally, notes=notes)
        # Every row this transaction updates, locked in id order (catalog.concurrency).
        tools_lock([tool.pk for tool, _ in ok] + [tool.pk for tool in failed])
        _write_topics(ok)
        _update(Tool, [tool for tool, _ in ok], FACT_FIELDS)
        _update(Tool, failed, FAILURE_FIELDS)
        _record_former_names(renamed)
        _write_snapshots(ok, day=now.date(), source=source)
    return renamed


def tools_record_batch_error(*, tools: Iterable[Tool], error: str, now: datetime) -> None:
    """A whole request failed (GitHub's fault, not the repos'): note it, count no strike."""
    tools = list(tools)
    for tool in tools:
        tool.last_refresh_error = error[:1000]
        tool.updated_at = now

    def write() -> None:
        with transaction.atomic():
            tools_lock(tool.pk for tool in tools)
            _update(Tool, tools, ["last_refresh_error", "updated_at"])

    retry_conflicts(write)


def _update(model, objects: list, fields: list[str]) -> None:
    """One ``UPDATE … FROM (VALUES …)`` (django-fast-update): Django's ``bulk_update`` builds
    a ``CASE WHEN`` per field and row, about a second of Python per batch of 50 tools."""
    if objects:
        fast_update(model.objects.all(), objects, fields, batch_size=None, unfiltered=True)


def _note_failure(tool: Tool, result: RepoResult, tally: RefreshTally) -> None:
    if result.status == RepoStatus.MISSING:
        tool.status, error = ToolStatus.MISSING, MISSING_ERROR
        tally.missing += 1
    elif result.status == RepoStatus.BLOCKED:
        tool.status, error = ToolStatus.BLOCKED, BLOCKED_ERROR
        tally.missing += 1
    else:
        error = f"GitHub: {result.error or result.status}"
        tally.failed += 1
    tool.last_refresh_error = error[:1000]
    tool.consecutive_failures += 1
    tally.errors.append(f"{tool.full_name}: {error}")


def _apply_facts(
    ok: list[tuple[Tool, RepoFacts]], *, now: datetime, tally: RefreshTally, notes: dict[int, str]
) -> list[tuple[Tool, str]]:
    """Copy facts onto the tools; return (tool, old full name) for each real rename.

    Two tools of the batch may be one repository (its old and new name both listed): the one
    that already holds the GitHub id, or else the current name, takes it; the other keeps its
    name and id and is flagged as a duplicate for a curator to merge.
    """
    taken_names = _names_held_elsewhere(ok)
    taken_ids, names_of = _github_ids_held_elsewhere(ok)
    names_of.update({tool.pk: tool.full_name for tool, _ in ok})
    first_claim = sorted(
        ok,
        key=lambda pair: (
            pair[0].github_id != pair[1].github_id,
            pair[0].full_name.lower() != pair[1].full_name.lower(),
        ),
    )  # stable: otherwise the batch's order
    for tool, facts in first_claim:  # the rightful holders record their id and name first
        if taken_ids.get(facts.github_id, tool.pk) == tool.pk:
            taken_ids[facts.github_id] = tool.pk
            taken_names.setdefault(facts.full_name.lower(), tool.pk)
    renamed = []
    for tool, facts in ok:
        problems = [notes[tool.pk]] if tool.pk in notes else []
        new_name = facts.full_name
        holder = taken_names.get(new_name.lower())
        if holder is not None and holder != tool.pk:
            problems.append(
                f"GitHub now calls this repository {new_name}, a name tool #{holder} holds"
            )
        elif new_name.lower() != tool.full_name.lower():
            renamed.append((tool, tool.full_name))
            taken_names[new_name.lower()] = tool.pk
            tool.full_name = new_name
        else:
            tool.full_name = new_name  # the same name; GitHub's capitalisation wins
        holder = taken_ids.get(facts.github_id)
        if holder is not None and holder != tool.pk:
            problems.append(
                f"same GitHub repository as {names_of.get(holder, '?')} (tool #{holder}, "
                f"GitHub id {facts.github_id}) — a duplicate for a curator to merge"
            )
        else:
            tool.github_id = facts.github_id
            taken_ids[facts.github_id] = tool.pk
        if facts.disabled:
            problems.append(DISABLED_ERROR)
        _copy_facts(tool, facts, now=now)
        tool.last_refresh_error = "; ".join(problems)[:1000]
        tally.errors += [f"{tool.full_name}: {problem}" for problem in problems]
    return renamed


def _copy_facts(tool: Tool, facts: RepoFacts, *, now: datetime) -> None:
    tool.github_node_id = facts.node_id[:100] or tool.github_node_id
    # None: GitHub answered that field with an error this time (partial data): keep ours.
    if facts.description is not None:
        tool.description = facts.description
    if facts.homepage is not None:
        tool.github_homepage = facts.homepage[:500]
    if facts.license_spdx is not None:
        tool.license_spdx = facts.license_spdx[:64]
    if facts.language is not None:
        tool.language = facts.language[:64]
    tool.repo_created_at = facts.created_at or tool.repo_created_at
    tool.pushed_at = facts.pushed_at or tool.pushed_at
    tool.archived = facts.archived
    tool.is_fork = facts.is_fork
    if facts.disabled:
        tool.status = ToolStatus.BLOCKED
    else:
        tool.status = ToolStatus.ARCHIVED if facts.archived else ToolStatus.ACTIVE
    tool.stars = facts.stars
    tool.forks = facts.forks
    # None means "not reported by this path" (REST sees no pull requests, releases, commits)
    # or "not reported this time": keep the number we have rather than lose it.
    for name in ("watchers", "open_issues", "open_pull_requests", "commits_90d", "release_count"):
        value = getattr(facts, name)
        if value is not None:
            setattr(tool, name, value)
    tool.last_release_at = facts.last_release_at or tool.last_release_at
    tool.metrics_as_of = now
    tool.last_refreshed_at = now
    tool.consecutive_failures = 0
    tool.updated_at = now


def _names_held_elsewhere(ok: list[tuple[Tool, RepoFacts]]) -> dict[str, int]:
    names = {facts.full_name.lower() for _, facts in ok if facts.full_name}
    if not names:
        return {}
    rows = Tool.objects.annotate(name_lower=Lower("full_name")).filter(name_lower__in=names)
    return dict(rows.values_list("name_lower", "pk"))


def _github_ids_held_elsewhere(
    ok: list[tuple[Tool, RepoFacts]],
) -> tuple[dict[int, int], dict[int, str]]:
    """GitHub id → tool id of the tools holding those ids, and those tools' names."""
    ids = {facts.github_id for _, facts in ok if facts.github_id}
    if not ids:
        return {}, {}
    rows = Tool.objects.filter(github_id__in=ids).values_list("github_id", "pk", "full_name")
    held = [(gid, pk, name) for gid, pk, name in rows if gid is not None]
    return {gid: pk for gid, pk, _ in held}, {pk: name for _, pk, name in held}


def _write_topics(ok: list[tuple[Tool, RepoFacts]]) -> None:
    """Set each tool's topics to GitHub's, touching only the tools whose topics changed."""
    current = {tool.pk: sorted(t.name for t in tool.topics.all()) for tool, _ in ok}
    wanted = {  # None: GitHub did not report them this time; keep ours
        tool.pk: current[tool.pk]
        if facts.topics is None
        else sorted({t.lower()[:64] for t in facts.topics if t})
        for tool, facts in ok
    }
    changed = [pk for pk in wanted if wanted[pk] != current[pk]]
    for tool, _ in ok:
        tool.search_document = tool.compose_search_document(wanted[tool.pk])
    if not changed:
        return
    # Sorted: two batches adding the same new topics insert them in one order, so neither
    # waits on a name the other inserted while it holds one the first needs.
    names = sorted({name for pk in changed for name in wanted[pk]})
    Topic.objects.bulk_create([Topic(name=name) for name in names], ignore_conflicts=True)
    topic_ids = dict(Topic.objects.filter(name__in=names).values_list("name", "pk"))
    through = Tool.topics.through
    through.objects.filter(tool_id__in=changed).delete()
    links = [through(tool_id=pk, topic_id=topic_ids[name]) for pk in changed for name in wanted[pk]]
    through.objects.bulk_create(links, ignore_conflicts=True)


def tool_rename(*, tool: Tool, new_full_name: str, tally: RefreshTally) -> int:
    """GitHub redirected (301) a per-tool REST request (contributors, star history) to
    ``new_full_name``: record it as a metrics refresh records a rename — the old name becomes a
    ``FormerName`` (a name renamed back is current again), ``full_name`` and the search text
    follow — unless another tool holds the new name, which is said on the run instead (a
    duplicate for a curator). Returns 1 when the tool was renamed, else 0."""
    if new_full_name.lower() == tool.full_name.lower():
        return 0
    holder = Tool.objects.by_full_name(new_full_name).exclude(pk=tool.pk).first()
    if holder is not None:
        tally.errors.append(
            f"{tool.full_name}: GitHub now calls this repository {new_full_name}, "
            f"a name tool #{holder.pk} holds"
        )
        return 0
    old = tool.full_name
    with transaction.atomic():
        tool.full_name = new_full_name
        tool.search_document = tool.compose_search_document()
        tool.save(update_fields=["full_name", "search_document", "updated_at"])
        _record_former_names([(tool, old)])
    return 1


def _record_former_names(renamed: list[tuple[Tool, str]]) -> None:
    if not renamed:
        return
    # A repo renamed back to an earlier name: that name is current again, not former.
    for tool, _ in renamed:
        FormerName.objects.filter(tool=tool, full_name__iexact=tool.full_name).delete()
    former = [FormerName(tool=tool, full_name=old) for tool, old in renamed]
    FormerName.objects.bulk_create(former, ignore_conflicts=True)


def _write_snapshots(ok: list[tuple[Tool, RepoFacts]], *, day: date, source: str) -> None:
    """Upsert the day's snapshot per tool: running twice the same day rewrites the same row."""
    snapshots = [
        MetricSnapshot(
            tool=tool,
            date=day,
            stars=facts.stars,
            forks=facts.forks,
            watchers=facts.watchers,
            open_issues=facts.open_issues,
            contributors=tool.contributors,
            commits_90d=facts.commits_90d,
            release_count=facts.release_count,
            pushed_at=facts.pushed_at,
            source=source,
        )
        for tool, facts in ok
    ]
    MetricSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["tool", "date"],
        update_fields=SNAPSHOT_FIELDS,
    )
