"""Server-rendered pages. Views stay thin: they read through ``catalog.selectors``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from catalog import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/home.html", {"layers": selectors.landscape(top_per_category=5)})


def tool_detail(request: HttpRequest, owner: str, name: str) -> HttpResponse:
    found = selectors.tool_by_name(f"{owner}/{name}")
    if found is None:
        raise Http404("No tool by that name")
    tool, canonical = found
    if not canonical:
        return redirect(tool, permanent=True)
    return render(request, "catalog/tool_detail.html", {"tool": tool})
