"""Bulk actions on the Tool changelist. Each is a thin call into ``catalog.services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog import services
from catalog.admin.intermediate import action_page, submitted_form
from catalog.models import Category, Tool
from catalog.services.integrity import tools_clear_integrity_review


class MoveToCategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.select_related("layer"),
        help_text="The new primary category. Rankings in the old and new categories are redone.",
    )


class ClearIntegrityReviewForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the star-integrity evidence is fine (kept on the tool and in the log).",
    )


class MarkDeprecatedForm(forms.Form):
    replaced_by = forms.ModelChoiceField(
        queryset=Tool.objects.all(),
        required=False,
        label="Replaced by",
        help_text="Optional: the tool users should move to.",
        widget=AutocompleteSelect(Tool._meta.get_field("replaced_by"), admin.site),
    )


def _run(modeladmin, request, queryset, service, done: str, **kwargs) -> None:
    """Call ``service`` on the selection and tell the curator what changed."""
    total = queryset.count()
    try:
        changed = service(tools=queryset, user=request.user, **kwargs)
    except services.CurationError as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return
    text = f"{changed} {'tool' if changed == 1 else 'tools'} {done}."
    if total > changed:
        text += f" {total - changed} unchanged (already so)."
    modeladmin.message_user(request, text, messages.SUCCESS)


@admin.action(description="Move to category…", permissions=["change"])
def move_to_category(modeladmin, request: HttpRequest, queryset: QuerySet[Tool]):
    form = submitted_form(request, MoveToCategoryForm)
    if form.is_bound and form.is_valid():
        category = form.cleaned_data["category"]
        _run(
            modeladmin,
            request,
            queryset,
            services.tools_move_to_category,
            f"moved to {category}",
            category=category,
        )
        return None
    return action_page(
        modeladmin=modeladmin,
        request=request,
        queryset=queryset,
        form=form,
        action="move_to_category",
        title="Move tools to another category",
        submit_label="Move",
    )


@admin.action(description="Mark deprecated…", permissions=["change"])
def mark_deprecated(modeladmin, request: HttpRequest, queryset: QuerySet[Tool]):
    form = submitted_form(request, MarkDeprecatedForm)
    if form.is_bound and form.is_valid():
        replaced_by = form.cleaned_data["replaced_by"]
        _run(
            modeladmin,
            request,
            queryset,
            services.tools_mark_deprecated,
            "marked deprecated" + (f", replaced by {replaced_by}" if replaced_by else ""),
            replaced_by=replaced_by,
        )
        return None
    return action_page(
        modeladmin=modeladmin,
        request=request,
        queryset=queryset,
        form=form,
        action="mark_deprecated",
        title="Mark tools deprecated",
        submit_label="Mark deprecated",
    )


@admin.action(description="Clear the star-integrity review (with a note)…", permissions=["change"])
def clear_integrity_review(modeladmin, request: HttpRequest, queryset: QuerySet[Tool]):
    form = submitted_form(request, ClearIntegrityReviewForm)
    if form.is_bound and form.is_valid():
        _run(
            modeladmin,
            request,
            queryset,
            tools_clear_integrity_review,
            "cleared of the star-integrity review",
            note=form.cleaned_data["note"],
        )
        return None
    return action_page(
        modeladmin=modeladmin,
        request=request,
        queryset=queryset,
        form=form,
        action="clear_integrity_review",
        title="Clear the star-integrity review",
        submit_label="Clear with this note",
    )


@admin.action(description="Feature", permissions=["change"])
def feature(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.tools_set_featured, "featured", featured=True)


@admin.action(description="Unfeature", permissions=["change"])
def unfeature(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.tools_set_featured, "unfeatured", featured=False)


@admin.action(description="Hide from the public site and API", permissions=["change"])
def hide(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.tools_set_hidden, "hidden", hidden=True)


@admin.action(description="Unhide", permissions=["change"])
def unhide(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.tools_set_hidden, "shown again", hidden=False)


@admin.action(description="Reset refresh failures", permissions=["change"])
def reset_refresh_failures(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        services.tools_reset_refresh_failures,
        "will be refreshed by the schedule again",
    )


@admin.action(description="Refresh metrics now", permissions=["change"])
def refresh_now(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.tools_queue_refresh, "queued for a refresh")


TOOL_ACTIONS = (
    move_to_category,
    feature,
    unfeature,
    hide,
    unhide,
    mark_deprecated,
    clear_integrity_review,
    reset_refresh_failures,
    refresh_now,
)
