"""Category synonyms: the bundled categories answer to default synonyms until a curator
writes their own; the bundled taxonomy, imported, makes concept queries work with no
descriptions at all."""

from __future__ import annotations

from pathlib import Path

from catalog.importing import BUNDLED_CATALOG, catalog_import
from catalog.models import Category
from catalog.tool_queries import parse_tool_query, tool_list
from tests.factories import make_category, make_tool


def names(q: str) -> list[str]:
    return [tool.full_name for tool in tool_list(query=parse_tool_query({"q": q}))]


def test_an_imported_bundled_category_answers_to_its_default_synonyms(db, tmp_path):
    taxonomy = tmp_path / "taxonomy.csv"
    taxonomy.write_bytes((Path(BUNDLED_CATALOG) / "taxonomy.csv").read_bytes())
    catalog_import(paths=[taxonomy])
    audio = Category.objects.get(slug="audio-production")
    assert audio.synonyms == ""  # nothing written: the defaults apply at search time
    make_tool("openai/whisper", category=audio, stars=80_000)
    make_tool("milvus-io/milvus", category=Category.objects.get(slug="vector-search"))
    make_tool("stanfordnlp/dspy", category=Category.objects.get(slug="prompt-engineering"))

    assert names("transcription") == ["openai/whisper"]
    assert names("speech to text") == ["openai/whisper"]
    assert names("vector database") == ["milvus-io/milvus"]
    assert names("prompt optimization") == ["stanfordnlp/dspy"]


def test_a_curators_synonyms_replace_the_defaults(db):
    audio = make_category("audio-production", name="Audio production", description="Sound apps")
    make_tool("openai/whisper", category=audio)
    assert names("transcription") == ["openai/whisper"]

    audio.synonyms = "dictation, subtitles"
    audio.save()

    assert names("transcription") == []
    assert names("subtitles") == ["openai/whisper"]
