"""The confirmation page an admin action shows before it asks for one more input."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

PREVIEW_SIZE = 20


def submitted_form(request: HttpRequest, form_class: type[forms.Form]) -> forms.Form:
    """The action's form: bound once the curator pressed the page's submit button."""
    return form_class(request.POST if "apply" in request.POST else None)


def action_page(
    *,
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    form: forms.Form,
    action: str,
    title: str,
    submit_label: str,
) -> TemplateResponse:
    """Ask for the action's input; posting it back re-runs ``action`` on the same selection."""
    count = queryset.count()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": modeladmin.model._meta,
        "form": form,
        "action": action,
        "submit_label": submit_label,
        "count": count,
        "preview": list(queryset[:PREVIEW_SIZE]),
        "more": max(count - PREVIEW_SIZE, 0),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "media": modeladmin.media + form.media,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/catalog/action_form.html", context)
