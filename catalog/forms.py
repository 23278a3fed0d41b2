"""Forms for the public pages: the search filters (rendered; parsing is tool_queries') and
the tool suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Case, Field, Subquery, When
from django.db.models.expressions import RawSQL
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from catalog import selectors
from catalog.lifecycle import LIFECYCLES
from catalog.models import Category, ToolStatus
from catalog.tool_queries import ANY_STATUS, ORDERINGS, PERMISSIVE


@dataclass(frozen=True)
class SearchFormChoices:
    """What the search form's selects offer that the catalog decides."""

    categories: list[Category]  # every category with its layer, in display order
    languages: list[str]  # of public tools, sorted (``selectors.search_choice_subqueries``)
    licenses: list[str]


_LANGUAGES, _LICENSES = "search_form_languages", "search_form_licenses"


def search_form_choices() -> SearchFormChoices:
    """The categories with their layers, and the languages and licences of public tools, in
    one statement: the category of the smallest id carries the two lists (scalar subqueries
    run once; the other rows carry NULL, so the lists are sent once). No category, no tool
    (a tool's category is required): then there is no language or licence to offer."""
    first = Subquery(Category.objects.order_by("pk").values("pk")[:1])
    languages, licenses = selectors.search_choice_subqueries()
    carried = {
        name: Case(When(pk=first, then=RawSQL(sql, ())), default=None, output_field=Field())
        for name, sql in ((_LANGUAGES, languages), (_LICENSES, licenses))
    }
    categories = list(
        Category.objects.select_related("layer")
        .annotate(**carried)
        .order_by("layer__position", "layer__slug", "position", "slug")
    )
    lists: dict[str, list[str]] = {_LANGUAGES: [], _LICENSES: []}
    for category in categories:
        for name in lists:
            value = vars(category).pop(name)  # the categories keep only their own fields
            if value is not None:
                lists[name] = selectors.choice_values(value)
    return SearchFormChoices(categories, lists[_LANGUAGES], lists[_LICENSES])


def _grouped_categories(categories: list[Category]) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in categories:
        groups.setdefault(category.layer.name, []).append((category.slug, category.name))
    return list(groups.items())


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare `` name`` for True,
    nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select, drawn in one pass instead of through its templates (``select.html``,
    an ``select_option.html`` and an ``attrs.html`` per option: ~80 options made the search
    form most of the search page's time). The same markup, whitespace included, from the same
    ``get_context()`` (selection, optgroups, ids)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's last newline
        return mark_safe("".join(parts))  # every name, value and label is escaped above


class _OnePassInput:
    """An input drawn in one pass instead of through ``input.html`` and ``attrs.html`` (five
    inputs took the search form ~1 ms): the same markup from the same ``get_context()``."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(  # every part is escaped
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
            f"{shown}{_attrs(widget['attrs'])}>"
        )


class TextInput(_OnePassInput, forms.TextInput):
    pass


class NumberInput(_OnePassInput, forms.NumberInput):
    pass


class DateInput(_OnePassInput, forms.DateInput):
    pass


class SearchForm(forms.Form):
    """Only draws the search filters; ``catalog.tool_queries`` parses and applies them."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=TextInput(attrs={"type": "search", "placeholder": "name, description, topic"}),
    )
    layer = forms.ChoiceField(label="Layer", required=False, widget=Select)
    category = forms.ChoiceField(label="Category", required=False, widget=Select)
    language = forms.ChoiceField(label="Language", required=False, widget=Select)
    license = forms.ChoiceField(label="Licence", required=False, widget=Select)
    topic = forms.CharField(label="Topic", required=False, max_length=100, widget=TextInput)
    status = forms.ChoiceField(label="Status", required=False, widget=Select)
    lifecycle = forms.ChoiceField(
        label="Lifecycle",
        required=False,
        help_text="See how each label is decided on a tool page",
        widget=Select,
    )
    stars_min = forms.IntegerField(
        label="Stars at least", required=False, min_value=0, widget=NumberInput
    )
    stars_max = forms.IntegerField(
        label="Stars at most", required=False, min_value=0, widget=NumberInput
    )
    pushed_after = forms.DateField(
        label="Active since",
        required=False,
        widget=DateInput(attrs={"type": "date"}),
        help_text="Last push on or after this day",
    )
    ordering = forms.ChoiceField(label="Sort by", required=False, widget=Select)

    def __init__(self, *args, choices: SearchFormChoices, **kwargs) -> None:
        """``choices``: ``search_form_choices()`` (the layers offered are those of the
        categories: a layer without a category has no tool to find)."""
        super().__init__(*args, **kwargs)
        any_choice: list[Any] = [("", "Any")]
        categories, languages, licenses = choices.categories, choices.languages, choices.licenses
        layers = list({category.layer.slug: category.layer.name for category in categories}.items())
        self.choice_field("layer").choices = any_choice + layers
        self.choice_field("category").choices = any_choice + _grouped_categories(categories)
        self.choice_field("language").choices = any_choice + [(value, value) for value in languages]
        self.choice_field("license").choices = (
            any_choice
            + [(PERMISSIVE, "Any permissive licence")]
            + [(value, value) for value in licenses]
        )
        self.choice_field("status").choices = (
            [("", "Active (default)")]
            + [(value, label) for value, label in ToolStatus.choices if value != "active"]
            + [(ANY_STATUS, "Any status")]
        )
        self.choice_field("lifecycle").choices = any_choice + [
            (value, value.capitalize()) for value in LIFECYCLES
        ]
        self.choice_field("ordering").choices = [("", "Best match / best overall")] + [
            (key, label) for key, label in ORDERINGS.items() if key != "relevance"
        ]
        self.fields["stars_min"].widget.attrs.update(inputmode="numeric")
        self.fields["stars_max"].widget.attrs.update(inputmode="numeric")

    def choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories labelled with their layer: "Infrastructure › Serving"."""

    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.layer.name} › {obj.name}"


class SuggestionForm(forms.Form):
    repository = forms.CharField(
        label="Repository",
        max_length=300,
        help_text="owner/name, or the repository's GitHub URL",
        widget=forms.TextInput(
            attrs={"placeholder": "owner/name or https://github.com/owner/name"}
        ),
    )
    category = CategoryChoiceField(
        label="Category it belongs in",
        queryset=Category.objects.select_related("layer").order_by(
            "layer__position", "layer__slug", "position", "slug"
        ),
        empty_label="Choose a category",
    )
    reason = forms.CharField(
        label="Why it belongs in Strata",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(label="Leave this field empty", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
