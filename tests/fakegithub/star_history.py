"""The fake's ``GET /repos/{owner}/{repo}/stargazers/history``.

No recording of this endpoint exists in /work/shared/github-fixtures, so the answer follows the
documented example (see ``workers/github/star_history.py``): a JSON array of
``{"week": <unix time of the week's first day>, "total": n, "days": [7 counts]}``, newest week
first, ``per_page`` weeks a page (at most 30), a ``Link`` header in the recorded pagination
shape (``/repositories/{id}/…`` URLs), a weak ETag, 1 ``core`` point a page and 0 for a 304.

A repository's daily additions are ``FakeRepo.star_history`` (date → stars added) when a test
sets it, else synthesised deterministically from its creation date and star count: a launch
bump in the first weeks, then steady growth, adding up exactly to ``stars``. Weeks start on
Sunday (UTC), like ``stats/commit_activity``.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from . import recordings as rec
from . import rest
from .rest import Answer
from .state import NOW, Budget, FakeRepo

MAX_PER_PAGE = 30


def synthesised(repo: FakeRepo, today: date) -> dict[date, int]:
    """Stars added per day from creation to ``today``, summing to ``repo.stars``."""
    return dict(_synthesised(repo.database_id, repo.stars, repo.created_at.date(), today))


@lru_cache(maxsize=4096)
def _synthesised(database_id: int, stars: int, first: date, today: date) -> tuple:
    """Cached: a page of a long history would otherwise redraw every day of it."""
    days = max(1, (today - first).days + 1)
    rng = random.Random(database_id)
    weights = []
    for offset in range(days):
        launch = 30.0 * 0.93**offset  # most repositories get a burst when first shared
        steady = 1.0 + offset / days  # and grow a little faster as they get known
        weights.append((launch + steady) * (0.5 + rng.random()))
    scale = stars / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    # Largest remainders get the stars rounding lost, so the days add up to the total.
    short = stars - sum(counts)
    for index in sorted(range(days), key=lambda i: exact[i] - counts[i], reverse=True)[:short]:
        counts[index] += 1
    return tuple((first + timedelta(days=i), n) for i, n in enumerate(counts) if n)


def daily_additions(repo: FakeRepo, today: date | None = None) -> dict[date, int]:
    if repo.star_history is not None:
        return dict(repo.star_history)
    return synthesised(repo, today or NOW.date())


def _week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)  # Sunday


def weeks_json(repo: FakeRepo, today: date | None = None) -> list[dict[str, Any]]:
    """Every week from creation's to today's, newest first, empty weeks included."""
    today = today or NOW.date()
    added = daily_additions(repo, today)
    first = min([repo.created_at.date(), *added])
    start, weeks = _week_start(today), []
    while start >= _week_start(first):
        days = [added.get(start + timedelta(days=i), 0) for i in range(7)]
        stamp = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
        weeks.append({"week": stamp, "total": sum(days), "days": days})
        start -= timedelta(days=7)
    return weeks


def history_page(
    repo: FakeRepo, params: dict[str, str], budget: Budget, link_base: str
) -> tuple[Answer, str]:
    """One page, and its ETag."""
    per_page = min(MAX_PER_PAGE, max(1, int(params.get("per_page") or MAX_PER_PAGE)))
    page = max(1, int(params.get("page") or 1))
    weeks = weeks_json(repo)
    last = max(1, -(-len(weeks) // per_page))
    items = weeks[(page - 1) * per_page : page * per_page]
    tag = rest.etag(repo.database_id, page, per_page, items)

    def url(number: int) -> str:
        path = f"/repositories/{repo.database_id}/stargazers/history"
        return f"<{link_base}{path}?per_page={per_page}&page={number}>"

    links = []
    if page > 1:
        links.append(f'{url(page - 1)}; rel="prev"')
    if page < last:
        links += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
    if page > 1:
        links.append(f'{url(1)}; rel="first"')
    headers = {"ETag": tag, **rest.rate_headers(budget, "core")}
    if links:
        headers["Link"] = ", ".join(links)
    return rest.json_answer(200, items, rec.CONTRIBUTORS_PAGES, **headers), tag
