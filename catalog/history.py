"""A tool's star history for charts: every day we hold, observed days told apart from the days
reconstructed from GitHub's star history (``MetricSnapshot.STAR_HISTORY_SOURCE``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from catalog.models import MetricSnapshot, Tool


@dataclass(frozen=True)
class StarPoint:
    day: date
    stars: int | None  # None: a day a snapshot exists but nobody reported stars (a gap)
    observed: bool  # a refresh or import saw this count; False: reconstructed


def tools_star_points(tools: Sequence[Tool]) -> dict[int, list[StarPoint]]:
    """Per tool id, its days, oldest first (one query); a day without a star count is kept as
    a gap, so a chart breaks its line there instead of bridging or dropping to zero."""
    points: dict[int, list[StarPoint]] = {tool.pk: [] for tool in tools}
    rows = (
        MetricSnapshot.objects.filter(tool__in=[tool.pk for tool in tools])
        .order_by("tool_id", "date")
        .values_list("tool_id", "date", "stars", "source")
    )
    for tool_id, day, stars, source in rows:
        observed = source != MetricSnapshot.STAR_HISTORY_SOURCE
        points[tool_id].append(StarPoint(day, stars, observed))
    return points


def week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)  # Sunday, as GitHub's weeks


def weekly_gains(points: Sequence[StarPoint], *, created: date | None) -> list[tuple[date, int]]:
    """Stars gained per week (Sunday to Saturday): the week's last count minus the previous
    week's. The first week counts from 0 only when the series starts on the creation day;
    otherwise its gain is unknown and left out. Weeks without a count join the next one."""
    known = [point for point in points if point.stars is not None]
    last_in_week: dict[date, int] = {}
    for point in known:
        if point.stars is not None:
            last_in_week[week_start(point.day)] = point.stars
    weeks = sorted(last_in_week)
    if not weeks:
        return []
    from_zero = created is not None and known[0].day <= created
    gains = [(weeks[0], last_in_week[weeks[0]])] if from_zero else []
    for before, week in pairwise(weeks):
        gains.append((week, last_in_week[week] - last_in_week[before]))
    return gains
