"""Suggest a tool: a public form, CSRF-protected, rate-limited and with a honeypot."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from catalog.forms import SuggestionForm
from catalog.suggestions import SuggestionError, suggestion_rate_limited, suggestion_submit

logger = logging.getLogger(__name__)


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "catalog/suggest.html", {"form": SuggestionForm()})
    form = SuggestionForm(request.POST)
    if suggestion_rate_limited(client=_client(request)):
        context = {
            "form": form,
            "error": "You have sent many suggestions in a short time. "
            "Please wait an hour and try again.",
        }
        return render(request, "catalog/suggest.html", context, status=429)
    if not form.is_valid():
        return render(request, "catalog/suggest.html", {"form": form}, status=400)
    if form.cleaned_data["website"]:
        # Only bots fill the hidden field: look successful, record nothing.
        logger.info("Suggestion honeypot filled by %s; ignored", _client(request))
        messages.success(request, "Thank you! Your suggestion will be reviewed by a curator.")
        return redirect("catalog:suggest")
    try:
        suggestion = suggestion_submit(
            repository=form.cleaned_data["repository"],
            category=form.cleaned_data["category"],
            reason=form.cleaned_data["reason"],
        )
    except SuggestionError as error:
        if error.code == "invalid":
            form.add_error("repository", error.message)
        context = {"form": form, "refusal": error}
        return render(request, "catalog/suggest.html", context, status=400)
    messages.success(
        request,
        f"Thank you! {suggestion.full_name} will be reviewed by a curator "
        f"for {suggestion.category.name}.",
    )
    return redirect("catalog:suggest")
