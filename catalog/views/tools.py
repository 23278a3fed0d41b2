"""A tool's own page and its README badge."""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from catalog import badges, charts, selectors
from catalog.charts.history import SCALES, HistoryLine, chart_option, history_chart, weekly_columns
from catalog.history import StarPoint, weekly_gains
from catalog.integrity import NEEDS_REVIEW, describe
from catalog.lifecycle import LIFECYCLE_RULES

#: The histories drawn on the tool page, metric → chart title (stars have their own chart).
CHARTED = {"forks": "Forks", "open_issues": "Open issues"}
BADGE_MAX_AGE = 60 * 60


def _found_or_404(owner: str, name: str, *, former_names: bool, summary: bool = False):
    """The tool and whether ``owner/name`` is its canonical name; the tool that replaces it is
    not loaded with it (the page shows it only for a deprecated tool: one query then)."""
    found = selectors.tool_by_name(
        f"{owner}/{name}", former_names=former_names, summary=summary, replacement=False
    )
    if found is None:
        raise Http404("No tool by that name is in the catalog")
    return found


@require_safe
def tool_detail(request: HttpRequest, owner: str, name: str) -> HttpResponse:
    tool, canonical = _found_or_404(owner, name, former_names=False, summary=True)
    if not canonical:
        return redirect(tool, permanent=True)
    try:
        scale = chart_option(request.GET.get("scale"), name="scale", allowed=SCALES)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    days = selectors.tool_days(tool)  # one query for every chart of the page
    histories = {metric: [(d.day, getattr(d, metric)) for d in days] for metric in CHARTED}
    chart_list = [
        {
            "metric": metric,
            "title": title,
            "svg": charts.line_chart(
                [charts.Series(title, histories[metric])],
                title=f"{title} of {tool.full_name} over time",
                width=420,
                height=220,
            ),
            "rows": [row for row in histories[metric] if row[1] is not None][-30:][::-1],
        }
        for metric, title in CHARTED.items()
    ]
    detail = selectors.tool_detail(tool)
    labels = selectors.tool_labels(tool)
    context = {
        "tool": tool,
        "charts": chart_list,
        **_star_charts(tool, scale, [StarPoint(d.day, d.stars, d.observed) for d in days]),
        "breakdown": detail.breakdown,
        "catalog_as_of": detail.catalog_as_of,
        "gains_reason": detail.gains_reason if tool.stars is not None else "",
        "category_rank": detail.category_rank,
        "layer_rank": detail.layer_rank,
        "former_names": labels.former_names,
        "topics": labels.topics,
        "also_in": labels.also_in,
        "badge_url": request.build_absolute_uri(
            reverse("catalog:badge", kwargs={"owner": tool.owner, "name": tool.repo_name})
        ),
    }
    return render(request, "catalog/tool_detail.html", context)


def _star_charts(tool, scale: str, points: list[StarPoint]) -> dict:
    """The whole-life star chart (linear or log), its weekly gains, and the toggle's links."""
    created = tool.repo_created_at.date() if tool.repo_created_at else None
    line = HistoryLine(
        tool.full_name,
        [(p.day.toordinal(), p.stars) for p in points],
        frozenset(p.day.toordinal() for p in points if p.observed),
    )
    title = f"Stars of {tool.full_name} over time"
    return {
        "integrity_review": tool.integrity_status == NEEDS_REVIEW,
        "lifecycle_rule": LIFECYCLE_RULES.get(tool.lifecycle, ""),
        "integrity_evidence": describe(tool.integrity_signals),
        "star_scale": scale,
        "star_chart": charts.responsive(
            lambda width: history_chart([line], title=title, scale=scale, width=width, height=280),
            wide=900,
        ),
        "weekly_chart": charts.responsive(
            lambda width: weekly_columns(
                weekly_gains(points, created=created),
                title=f"Stars gained per week by {tool.full_name}",
                width=width,
            ),
            wide=900,
        ),
        "star_observed": sum(1 for p in points if p.observed and p.stars is not None),
        "star_reconstructed": sum(1 for p in points if not p.observed and p.stars is not None),
        "star_rows": [(p.day, p.stars, p.observed) for p in points if p.stars is not None][-30:][
            ::-1
        ],
    }


@require_safe
def badge(request: HttpRequest, owner: str, name: str) -> HttpResponse:
    """``#3 in Vector search · ★ 12.3k`` as an SVG, cacheable by browsers and CDNs."""
    tool, canonical = _found_or_404(owner, name, former_names=False)
    if not canonical:
        url = reverse("catalog:badge", kwargs={"owner": tool.owner, "name": tool.repo_name})
        return redirect(url, permanent=True)
    svg = badges.tool_badge(tool)
    etag = '"' + hashlib.sha256(svg.encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=BADGE_MAX_AGE)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
