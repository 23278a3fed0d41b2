"""The reviewed catalog imported into a database: what a visitor and a curator see."""

from __future__ import annotations

import pytest

from catalog.importing import catalog_import
from catalog.models import Category, FormerName, Layer, MetricSnapshot, Tool
from catalog.selectors import tool_by_name


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = catalog_import()
        yield report
        for model in (MetricSnapshot, FormerName, Tool, Category, Layer):
            model.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.usefixtures("imported")
class TestReviewedCatalog:
    @pytest.mark.parametrize(
        ("old", "current"),
        [
            ("alibaba/Chat2DB", "chat2db/Chat2DB"),
            ("CodePhiliaX/Chat2DB", "chat2db/Chat2DB"),
            ("DS4SD/docling", "docling-project/docling"),
            ("hiyouga/LLaMA-Factory", "hiyouga/LlamaFactory"),
            ("AIHawk-co/Auto_Jobs_Applier", "feder-cr/Jobs_Applier_AI_Agent_AIHawk"),
        ],
    )
    def test_a_merged_spelling_finds_the_one_tool(self, old, current):
        found = tool_by_name(old)

        assert found is not None
        tool, is_current_name = found
        assert (tool.full_name, is_current_name) == (current, False)
        assert Tool.objects.filter(full_name__iexact=old).count() == 0

    def test_a_merged_tool_keeps_the_history_of_both_spellings(self):
        # LLaMA-Factory was listed twice: the old spelling measured by llama-police (2024),
        # the new one by awesome-local-llms (2026); the one tool now has both.
        tool = Tool.objects.get(full_name="hiyouga/LlamaFactory")
        days = set(tool.snapshots.values_list("date", flat=True))

        assert min(days).year <= 2024
        assert max(days).year == 2026

    def test_a_reviewed_tool_shows_its_placement_and_secondary_categories(self):
        ollama = Tool.objects.get(full_name="ollama/ollama")

        assert (ollama.category.slug, ollama.placement) == ("serving", "reviewed")
        assert list(ollama.secondary_categories.values_list("slug", flat=True)) == ["ai-interface"]
        # Provenance stays as the source said: Huyen's own label put it under AI interface.
        assert ollama.source == "llama-police"
        assert ollama.source_label == "AI engineering|AI interface"

    def test_a_tool_the_source_placed_well_is_not_marked_reviewed(self):
        vllm = Tool.objects.get(full_name="vllm-project/vllm")

        assert (vllm.category.slug, vllm.placement) == ("serving", "")

    def test_an_added_tool_waits_for_its_first_refresh(self):
        added = Tool.objects.get(full_name="qdrant/fastembed")

        assert (added.source, added.placement) == ("strata-review", "reviewed")
        assert (added.stars, added.metrics_as_of) == (None, None)

    def test_education_is_no_longer_empty(self):
        assert Tool.objects.filter(category__slug="education").count() >= 3
