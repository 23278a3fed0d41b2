"""Compare 2–10 tools: their star histories in one chart and their metrics side by side."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from catalog import charts, selectors
from catalog.charts.history import AXES, SCALES, HistoryLine, chart_option, history_chart
from catalog.history import tools_star_points
from catalog.models import Tool
from catalog.search import did_you_mean, tools_by_repo_name

MIN_TOOLS, MAX_TOOLS = 2, 10

#: Rows of the metric table: (label, attribute, format) — format names a template filter.
ROWS = [
    ("Stars", "stars", "stars"),
    ("Gained in 7 days", "stars_gained_7d", "signed"),
    ("Gained in 30 days", "stars_gained_30d", "signed"),
    ("Gained in 90 days", "stars_gained_90d", "signed"),
    ("Growth in 30 days", "growth_30d", "percent"),
    ("Score", "score", "score"),
    ("Rank in category", "rank_in_category", "rank"),
    ("Forks", "forks", "number"),
    ("Open issues", "open_issues", "number"),
    ("Contributors", "contributors", "number"),
    ("Commits, 90 days", "commits_90d", "number"),
    ("Last push", "pushed_at", "date"),
    ("Created", "repo_created_at", "date"),
    ("Language", "language", "text"),
    ("Licence", "license_spdx", "text"),
    ("Status", "status", "text"),
    ("Metrics as of", "metrics_as_of", "date"),
]


def _names(request: HttpRequest) -> list[str]:
    """Tool names from ``?tools=a/b,c/d`` (repeated parameters too) plus ``?add=``, in order,
    without duplicates (ignoring case)."""
    raw = request.GET.getlist("tools") + request.GET.getlist("add")
    names: dict[str, str] = {}
    for value in raw:
        for part in value.replace(" ", ",").split(","):
            part = part.strip().strip("/")
            if part.startswith("https://github.com/"):
                part = part.removeprefix("https://github.com/")
            if part:
                names.setdefault(part.lower(), part)
    return list(names.values())


def compare_url(names: list[str]) -> str:
    query = urlencode({"tools": ",".join(names)}, safe="/,") if names else ""
    return reverse("catalog:compare") + (f"?{query}" if query else "")


def _chart_links(names: list[str], *, scale: str, align: str) -> dict[str, object]:
    """The toggles' links: each keeps the tools and the other choice."""

    def url(**choice: str) -> str:
        params = {"tools": ",".join(names), "scale": scale, "align": align, **choice}
        defaults = {"scale": SCALES[0], "align": AXES[0]}
        kept = {k: v for k, v in params.items() if v and defaults.get(k) != v}
        return reverse("catalog:compare") + "?" + urlencode(kept, safe="/,")

    return {
        "scale": scale,
        "align": align,
        "linear": url(scale="linear"),
        "log": url(scale="log"),
        "date": url(align="date"),
        "age": url(align="age"),
    }


def _star_chart(tools: list[Tool], *, scale: str, align: str):
    """Whole-life star histories, on calendar days or on days since each tool's creation."""
    points = tools_star_points(tools)
    lines = []
    for tool in tools:
        mine = points[tool.pk]
        origin = 0
        if align == "age":
            created = tool.repo_created_at.date() if tool.repo_created_at else None
            origin = (
                created or (mine[0].day if mine else None) or timezone.now().date()
            ).toordinal()
        lines.append(
            HistoryLine(
                tool.full_name,
                [(p.day.toordinal() - origin, p.stars) for p in mine],
                frozenset(p.day.toordinal() - origin for p in mine if p.observed),
            )
        )
    names = ", ".join(tool.full_name for tool in tools)
    title = ("Stars by days since creation: " if align == "age" else "Stars over time: ") + names
    return charts.responsive(
        lambda width: history_chart(
            lines,
            title=title,
            scale=scale,
            axis=align,
            width=width,
            height=300 if width > 600 else 280,
        ),
        wide=900,
    )


def compare(request: HttpRequest) -> HttpResponse:
    names = _names(request)
    if len(names) > MAX_TOOLS:  # refused before looking anything up
        context = {"tools": [], "unknown": [], "max_tools": MAX_TOOLS, "remove_links": []}
        context["error"] = f"tools: compare at most {MAX_TOOLS} tools at a time."
        return render(request, "catalog/compare.html", context, status=400)
    found = selectors.tools_by_names(names)
    ambiguous: list[tuple[str, list[Tool]]] = []
    for name in names:
        if name.lower() in found or "/" in name:
            continue
        # A bare repository name: taken when one tool has it, else the candidates are listed.
        candidates = tools_by_repo_name(name)
        if len(candidates) == 1:
            found[name.lower()] = candidates[0]
        elif candidates:
            ambiguous.append((name, candidates))
    tools: list[Tool] = []
    for name in names:
        tool = found.get(name.lower())
        if tool is not None and tool not in tools:
            tools.append(tool)
    pending = {name.lower() for name, _ in ambiguous}
    unknown = [name for name in names if name.lower() not in found and name.lower() not in pending]
    canonical = [tool.full_name for tool in tools]
    too_many = len(canonical) > MAX_TOOLS
    wants_clean = "add" in request.GET or len(request.GET.getlist("tools")) > 1
    if not unknown and not ambiguous and not too_many and (wants_clean or canonical != names):
        return redirect(compare_url(canonical))
    context = {
        "tools": tools,
        "unknown": unknown,
        "max_tools": MAX_TOOLS,
        "tools_param": ",".join(canonical),
        "remove_links": [
            (tool, compare_url([name for name in canonical if name != tool.full_name]))
            for tool in tools
        ],
        "ambiguous": [
            (name, [(tool, compare_url([*canonical, tool.full_name])) for tool in candidates])
            for name, candidates in ambiguous
        ],
        "suggestions": {name: did_you_mean(name) for name in unknown},
    }
    status = 200
    if too_many:
        context["error"] = f"tools: compare at most {MAX_TOOLS} tools at a time."
        status = 400
    elif unknown:
        context["error"] = "Not in the catalog: " + ", ".join(unknown) + "."
        status = 404 if not tools and not ambiguous else 200
    try:
        scale = chart_option(request.GET.get("scale"), name="scale", allowed=SCALES)
        align = chart_option(request.GET.get("align"), name="align", allowed=AXES)
    except ValueError as exc:
        context["error"], status = str(exc), 400
        scale, align = SCALES[0], AXES[0]
    context["chart_links"] = _chart_links(canonical, scale=scale, align=align)
    if MIN_TOOLS <= len(tools) <= MAX_TOOLS:
        context["chart"] = _star_chart(tools, scale=scale, align=align)
        context["rows"] = [
            {"label": label, "format": fmt, "values": [getattr(tool, attr) for tool in tools]}
            for label, attr, fmt in ROWS
        ]
    return render(request, "catalog/compare.html", context, status=status)
