"""Every row of ai_tools.csv against the taxonomy and the rubric's mechanical rules
(docs/taxonomy.md, "Mechanical rules")."""

from __future__ import annotations

from collections import Counter

from tests.catalog.data.bundled import LIST_NAME, repo_name, rows, split, tools


def taxonomy_pairs() -> set[tuple[str, str]]:
    return {(row["layer_slug"], row["category_slug"]) for row in rows("taxonomy.csv")}


def test_every_row_sits_in_a_layer_and_category_of_the_taxonomy():
    pairs = taxonomy_pairs()

    misplaced = [r["full_name"] for r in tools() if (r["layer"], r["category"]) not in pairs]

    assert misplaced == []


def test_secondary_categories_are_other_categories_of_the_taxonomy_listed_once():
    categories = {category for _, category in taxonomy_pairs()}
    bad = []
    for row in tools():
        secondary = split(row["secondary_categories"])
        if (
            any(slug not in categories for slug in secondary)
            or row["category"] in secondary
            or len(set(secondary)) != len(secondary)
        ):
            bad.append((row["full_name"], row["secondary_categories"]))

    assert bad == []


def test_names_are_unique_regardless_of_case_counting_former_names():
    names = Counter(
        name.lower() for row in tools() for name in (row["full_name"], *split(row["former_names"]))
    )

    assert [name for name, count in names.items() if count > 1] == []


def test_lists_and_best_of_collections_sit_in_tutorials_and_lists():
    outside = [
        (row["full_name"], row["category"])
        for row in tools()
        if LIST_NAME.search(repo_name(row["full_name"])) and row["layer"] != "tutorials-lists"
    ]

    assert outside == []


def test_the_list_rule_recognises_the_names_it_is_meant_for():
    names = ["awesome-mcp-servers", "Awesome-LLM", "best-of-ml-python"]
    names += ["antigravity-awesome-skills", "every-chatgpt-gui-list", "papers-lists"]
    not_lists = ["langchain", "lightrag", "checklist-runner", "my-playlist"]

    assert all(LIST_NAME.search(name) for name in names)
    assert not any(LIST_NAME.search(name) for name in not_lists)


def test_rows_added_by_the_review_say_so_and_carry_no_source_label():
    added = [row for row in tools() if row["source"] == "strata-review"]

    assert len(added) >= 150
    unmarked = [r["full_name"] for r in added if r["source_label"] or r["placement"] != "reviewed"]
    assert unmarked == []


def test_placement_is_reviewed_or_empty_and_source_rows_keep_their_label():
    assert {row["placement"] for row in tools()} <= {"", "reviewed"}
    unlabelled = [
        row["full_name"]
        for row in tools()
        if row["source"] != "strata-review" and not (row["source"] and row["source_label"])
    ]
    assert unlabelled == []


def test_no_category_is_left_empty():
    used = Counter(row["category"] for row in tools())

    assert [category for _, category in sorted(taxonomy_pairs()) if not used[category]] == []
