"""The one owner/name rule, shared by the importer, suggestions, approval and the GitHub client."""

import pytest

from catalog.names import (
    RepositoryName,
    full_name_from_input,
    github_url,
    is_full_name,
    owner_of,
    repo_of,
)


@pytest.mark.parametrize(
    "name", ["qdrant/qdrant", "run-llama/llama_index", "a/b", "old-/x.y_z", "A1/.github"]
)
def test_github_shaped_names_are_accepted(name):
    assert is_full_name(name)


@pytest.mark.parametrize(
    "name",
    ["qdrant", "-bad/name", "owner/", "a/..", "a/.", "o" * 40 + "/x", "a/b/c", "a b/c", None, 7],
)
def test_anything_else_is_refused(name):
    assert not is_full_name(name)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (" https://github.com/Qdrant/qdrant.git ", "Qdrant/qdrant"),
        ("www.github.com/a-b/c.d_e/tree/main?x=1#top", "a-b/c.d_e"),
        ("https://gitlab.com/a/b", None),
        ("", None),
    ],
)
def test_a_typed_name_or_github_url_gives_owner_and_name(typed, expected):
    assert full_name_from_input(typed) == expected


def test_a_full_name_splits_at_its_first_slash_only():
    assert (owner_of("run-llama/llama_index"), repo_of("run-llama/llama_index")) == (
        "run-llama",
        "llama_index",
    )
    assert repo_of("a/b/c") == "b/c"  # as Tool.repo_name always did
    assert github_url("qdrant/qdrant") == "https://github.com/qdrant/qdrant"


@pytest.mark.django_db
def test_a_tool_has_its_name_parts_and_page_from_these_rules():
    from tests.factories import make_tool

    tool = make_tool("Qdrant/qdrant-client", display_name="")
    assert isinstance(tool, RepositoryName)
    assert (tool.owner, tool.repo_name, tool.name) == ("Qdrant", "qdrant-client", "qdrant-client")
    assert tool.github_url == "https://github.com/Qdrant/qdrant-client"
    assert tool.get_absolute_url() == "/tools/Qdrant/qdrant-client/"


@pytest.mark.parametrize(
    ("viewname", "owner", "name"),
    [
        ("catalog:tool-detail", "langchain-ai", "langchain"),
        ("catalog:tool-detail", "a.b_c", "x-y.z"),
        ("api:tool-history", "owner", "name with space"),
        ("api:tool-detail", "ünïcode", "name?#%"),
    ],
)
def test_a_named_path_is_what_reverse_gives(viewname, owner, name):
    from django.urls import reverse

    from catalog.names import NamedPath

    expected = reverse(viewname, kwargs={"owner": owner, "name": name})
    assert NamedPath(viewname)(owner, name) == expected
