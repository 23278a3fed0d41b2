"""``GET /repos/{owner}/{repo}/stargazers/history``: the stars a repository gained, per day.

What this relies on (checked 2026-12-02 in the stored reference material):

* GitHub changelog 2026-09-04, "New API endpoint provides privacy-safe star history data"
  (https://github.blog/changelog/2026-09-04-new-api-endpoint-provides-privacy-safe-star-history-data)
  and its announcement (https://github.com/orgs/community/discussions/206104): the path, and that
  the answer is "organized by week with the total stars added and a day-by-day breakdown",
  without stargazer identities.
* The REST reference page (https://docs.github.com/rest/activity/starring?apiVersion=2026-03-10)
  is in the store, but the excerpts it returned do not include this endpoint's section, so the
  exact element shape, page size and cost are taken from implementations built against the live
  endpoint (star-history/star-history#554, emanuelef/daily-stars-explorer#388 and others): a JSON
  array of ``{"week": <unix time of the week's first day>, "total": n, "days": [7 counts]}``
  (the shape of ``stats/commit_activity``), newest week first, paged with ``per_page`` (at most
  30 weeks) and ``page`` and a ``Link`` header, charged to the ``core`` budget at 1 point per
  request. The counts cover only stars that still exist.

Weeks are sorted here and paging follows ``rel="next"``, so neither the order within a page
nor the page size matters; stopping early (below) relies on pages running newest to oldest.
Only the first page is requested with the stored ETag (a 304 costs nothing and means "nothing
new"); older pages are read only while they reach past the newest week already stored
(``since``), so a weekly refresh reads one page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from workers.github import parse as p
from workers.github.transport import MalformedResponse, Transport, message_of

PER_PAGE = 30  # weeks a page; the most the endpoint gives (see above)
MAX_PAGES = 100  # 3,000 weeks: older than GitHub itself
PATH = "/repos/{full_name}/stargazers/history"

Status = Literal["ok", "not_modified", "missing", "blocked", "forbidden", "computing", "error"]


@dataclass(frozen=True)
class StarWeek:
    """One week of star additions: ``days[i]`` stars were added on ``start + i`` days."""

    start: date
    days: tuple[int, ...]

    def daily(self) -> list[tuple[date, int]]:
        return [(self.start + timedelta(days=i), n) for i, n in enumerate(self.days)]


@dataclass(frozen=True)
class StarHistoryAnswer:
    status: Status
    weeks: tuple[StarWeek, ...] = ()  # oldest first
    etag: str = ""  # the first page's ETag, to send next time
    new_full_name: str | None = None  # GitHub redirected (301): the repository's current name
    requests: int = 0
    points: int = 0  # core rate-limit points the requests cost (a 304 is free)
    error: str = ""


def parse_weeks(payload: Any) -> list[StarWeek]:
    """The weeks of one page; raises ``p.InvalidValue`` naming the element and field."""
    if not isinstance(payload, list):
        raise p.InvalidValue("star history is not a list of weeks")
    weeks = []
    for index, item in enumerate(payload):
        where = f"week {index}"
        if not isinstance(item, dict):
            raise p.InvalidValue(f"{where}: not an object")
        stamp = item.get("week")
        if not isinstance(stamp, int) or isinstance(stamp, bool) or stamp < 0:
            raise p.InvalidValue(f"{where}: 'week' is not a unix time")
        days = item.get("days")
        if not isinstance(days, list) or len(days) != 7:
            raise p.InvalidValue(f"{where}: 'days' is not a list of 7 counts")
        counts = tuple(p.count(n, f"{where} days") for n in days)
        total = item.get("total")
        if total is not None and p.count(total, f"{where} total") != sum(counts):
            raise p.InvalidValue(f"{where}: 'total' {total} is not the sum of 'days'")
        weeks.append(StarWeek(datetime.fromtimestamp(stamp, UTC).date(), counts))
    return weeks


def fetch_star_history(
    http: Transport,
    full_name: str,
    *,
    etag: str = "",
    since: date | None = None,
    name_at: Callable[[str], str | None],
) -> StarHistoryAnswer:
    """The repository's star additions; pages back to ``since`` (the newest week we hold),
    or to the first week when ``since`` is None. 404/451/403 and a 301 as ``rest.py`` reads
    them elsewhere; a malformed page is an ``error`` (nothing partial is returned)."""
    started, started_points = http.requests, http.rest_points
    headers = {"If-None-Match": etag} if etag else {}
    path: str | None = PATH.format(full_name=full_name) + f"?per_page={PER_PAGE}"
    weeks: dict[date, StarWeek] = {}
    first_etag, new_name = etag, None

    def answer(status: Status, error: str = "") -> StarHistoryAnswer:
        return StarHistoryAnswer(
            status,
            tuple(weeks[day] for day in sorted(weeks)) if status == "ok" else (),
            etag=first_etag,
            new_full_name=new_name,
            requests=http.requests - started,
            points=http.rest_points - started_points,
            error=error,
        )

    page = 0
    while path is not None and page < MAX_PAGES:
        try:
            response, payload, moved = http.get(path, headers if page == 0 else None)
        except MalformedResponse as exc:
            return answer("error", str(exc))
        status = response.status_code
        if page == 0:
            if moved:
                new_name = name_at(moved)
            if status == 304:
                return answer("not_modified")
            first_etag = p.text(response.headers.get("etag"), "ETag", 200) or ""
        message = p.text(message_of(payload), "message", 300) if status != 200 else ""
        if status in (404, 410):
            return answer("missing", message or "Not Found")
        if status == 451:
            return answer("blocked", message or "blocked for legal reasons")
        if status == 403:
            return answer("forbidden", message or "Forbidden")
        if status == 202:
            return answer("computing")
        if status != 200:
            return answer("error", f"GitHub answered HTTP {status}: {message}")
        try:
            page_weeks = parse_weeks(payload)
        except p.InvalidValue as exc:
            return answer("error", f"malformed star history from GitHub: {exc}")
        weeks.update((week.start, week) for week in page_weeks)
        if since is not None and any(week.start <= since for week in page_weeks):
            break
        path = _next_path(http, response.links.get("next", {}).get("url", ""))
        page += 1
    return answer("ok")


def _next_path(http: Transport, url: str) -> str | None:
    """The next page's path under the API URL; None at the last page. A link elsewhere is
    refused by the transport, so it is not followed."""
    if not url or not url.startswith(http.api_url + "/"):
        return None
    return url.removeprefix(http.api_url)
