"""Point 2 of issue 9: a repository name listed under several owners is decided — one tool
with the other spellings as former names, or distinct projects recorded with a reason — and
the metric files never give one tool two rows for the same day and source."""

from __future__ import annotations

from collections import Counter, defaultdict

from tests.catalog.data.bundled import repo_name, rows, split, tool_by_name, tools


def shared_names() -> dict[str, set[str]]:
    """Repository name (lower case) -> the owner/name of every tool listed under it."""
    owners: dict[str, set[str]] = defaultdict(set)
    for row in tools():
        owners[repo_name(row["full_name"]).lower()].add(row["full_name"].lower())
    return {name: names for name, names in owners.items() if len(names) > 1}


def decided() -> dict[str, set[str]]:
    return {
        row["name"].lower(): {owner.lower() for owner in split(row["owners"])}
        for row in rows("distinct_names.csv")
    }


def test_every_name_shared_by_several_owners_is_decided():
    recorded = decided()

    undecided = {
        name: sorted(owners)
        for name, owners in shared_names().items()
        if recorded.get(name) != owners
    }

    assert undecided == {}


def test_each_distinct_name_has_a_reason_and_still_names_listed_tools():
    shared = shared_names()

    stale = [row["name"] for row in rows("distinct_names.csv") if row["name"].lower() not in shared]
    unexplained = [row["name"] for row in rows("distinct_names.csv") if not row["reason"].strip()]

    assert (stale, unexplained) == ([], [])


def test_merged_spellings_are_former_names_of_the_kept_tool():
    by_name = tool_by_name()

    # Hand-checked merges of one project listed under several owners (issue 9's examples).
    merges = {
        "DS4SD/docling": "docling-project/docling",
        "jlowin/fastmcp": "PrefectHQ/fastmcp",
        "block/goose": "aaif-goose/goose",
        "THUDM/CodeGeeX": "zai-org/CodeGeeX",
        "alibaba/Chat2DB": "chat2db/Chat2DB",
        "CodePhiliaX/Chat2DB": "chat2db/Chat2DB",
        "Bin-Huang/chatbox": "chatboxai/chatbox",
        "hiyouga/LLaMA-Factory": "hiyouga/LlamaFactory",
        "phidatahq/phidata": "agno-agi/agno",
    }

    assert {old: by_name[old.lower()]["full_name"] for old in merges} == merges


def test_every_metric_row_names_a_listed_tool():
    by_name = tool_by_name()

    for name in ("metrics_snapshot.csv", "metrics_history.csv.gz"):
        listed = (row["full_name"] for row in rows(name))
        unknown = {full_name for full_name in listed if full_name.lower() not in by_name}
        assert unknown == set(), name


def test_no_tool_has_two_rows_for_one_day_and_source():
    """Two spellings of one tool reporting the same day would make the import refuse the file."""
    by_name = tool_by_name()
    history = Counter(
        (by_name[row["full_name"].lower()]["full_name"], row["date"], row["source"])
        for row in rows("metrics_history.csv.gz")
    )
    snapshots = Counter(
        by_name[row["full_name"].lower()]["full_name"] for row in rows("metrics_snapshot.csv")
    )

    assert [key for key, count in history.items() if count > 1] == []
    assert [name for name, count in snapshots.items() if count > 1] == []
