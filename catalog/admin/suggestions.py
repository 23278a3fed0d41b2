"""Suggestions from visitors: pending first; approve, or reject with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.text import Truncator

from catalog import services
from catalog.admin.intermediate import action_page, submitted_form
from catalog.models import Suggestion, Tool

PENDING_FIRST = Case(When(status=Suggestion.Status.PENDING, then=Value(0)), default=Value(1))


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="Kept with the suggestion; say why, e.g. “not an AI tool” or “a fork of …”.",
    )


def _review(modeladmin, request: HttpRequest, queryset: QuerySet[Suggestion], review, done: str):
    reviewed = 0
    for suggestion in queryset.select_related("category__layer"):
        try:
            review(suggestion)
        except services.CurationError as exc:
            modeladmin.message_user(
                request, f"{suggestion.full_name}: {exc.message}", messages.ERROR
            )
        else:
            reviewed += 1
    if reviewed:
        noun = "suggestion" if reviewed == 1 else "suggestions"
        modeladmin.message_user(request, f"{reviewed} {noun} {done}.", messages.SUCCESS)


@admin.action(
    description="Approve: add the tool and queue its first refresh", permissions=["change"]
)
def approve(modeladmin, request: HttpRequest, queryset: QuerySet[Suggestion]):
    _review(
        modeladmin,
        request,
        queryset,
        lambda s: services.suggestion_approve(suggestion=s, reviewer=request.user),
        "approved",
    )


@admin.action(description="Reject with a reason…", permissions=["change"])
def reject(modeladmin, request: HttpRequest, queryset: QuerySet[Suggestion]):
    form = submitted_form(request, RejectForm)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        _review(
            modeladmin,
            request,
            queryset,
            lambda s: services.suggestion_reject(
                suggestion=s, reviewer=request.user, reason=reason
            ),
            "rejected",
        )
        return None
    return action_page(
        modeladmin=modeladmin,
        request=request,
        queryset=queryset,
        form=form,
        action="reject",
        title="Reject suggestions",
        submit_label="Reject",
    )


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    # Fits a 1280 px laptop; the tool an approval created is on the suggestion's page.
    list_display = (
        "full_name",
        "category",
        "status",
        "already_listed",
        "reason_excerpt",
        "created_at",
        "reviewed_by",
    )
    list_filter = ("status", "category__layer")
    list_select_related = ("category__layer", "reviewed_by", "tool")
    search_fields = ("full_name", "reason")
    ordering = (PENDING_FIRST, "-created_at")  # type: ignore[assignment]  # Django takes expressions
    autocomplete_fields = ("category",)
    actions = (approve, reject)
    show_full_result_count = False
    fields = (
        "full_name",
        "category",
        "reason",
        "status",
        "created_at",
        "rejection_reason",
        "reviewed_by",
        "reviewed_at",
        "tool",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Suggestion | None = None):
        """Only a pending suggestion's category may be corrected before it is approved."""
        readonly = [f for f in self.fields if f != "category"]
        if obj is not None and obj.status != Suggestion.Status.PENDING:
            readonly.append("category")
        return readonly

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # visitors suggest tools on /suggest/

    def get_queryset(self, request: HttpRequest) -> QuerySet[Suggestion]:
        # Whether the catalog already has this owner/name: one indexed subquery, not one per row.
        listed = Tool.objects.alias(name_lower=Lower("full_name")).filter(
            name_lower=Lower(OuterRef("full_name"))
        )
        return super().get_queryset(request).annotate(is_listed=Exists(listed))

    @admin.display(description="Reason")
    def reason_excerpt(self, suggestion: Suggestion) -> str:
        return Truncator(suggestion.reason).chars(80) or "—"

    @admin.display(description="Already listed", boolean=True)
    def already_listed(self, suggestion: Suggestion) -> bool:
        return suggestion.is_listed  # type: ignore[attr-defined]  # annotated by get_queryset
