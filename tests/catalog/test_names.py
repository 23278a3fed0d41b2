"""The one owner/name rule, shared by the importer, suggestions, approval and the GitHub client."""

import pytest

from catalog.names import full_name_from_input, is_full_name


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
