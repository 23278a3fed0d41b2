"""What the fake GitHub knows: repositories, rate budgets, queued faults and the request log."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class FakeRepo:
    """One repository as GitHub would report it. Tests set the values and assert them back."""

    full_name: str
    database_id: int
    node_id: str
    description: str = "A tool for testing"
    homepage: str = ""
    stars: int = 100
    forks: int = 10
    watchers: int = 5
    open_issues: int = 3
    closed_issues: int = 7
    open_prs: int = 2
    closed_prs: int = 4
    pushed_at: datetime | None = NOW - timedelta(days=1)
    created_at: datetime = NOW - timedelta(days=1000)
    archived: bool = False
    disabled: bool = False
    is_fork: bool = False
    license_spdx: str | None = "MIT"
    language: str | None = "Python"
    topics: list[str] = field(default_factory=lambda: ["machine-learning"])
    releases: int = 4
    latest_release_at: datetime | None = NOW - timedelta(days=20)
    commits_90d: int = 42
    default_branch: str | None = "main"
    contributors: int = 25
    # "ok" | "computing" (202) | "too_large" (403)
    contributors_state: str = "ok"
    # "ok" | "missing" (deleted / private) | "forbidden" | "blocked" (DMCA, 451)
    access: str = "ok"
    # GraphQL answers NOT_FOUND for it whatever ``access`` says (REST still answers by
    # ``access`` and renames): what GraphQL shows for a takedown or a move is undocumented.
    graphql_not_found: bool = False
    former_names: list[str] = field(default_factory=list)
    # GraphQL field name -> error message: that field comes back null with an error (partial data)
    field_errors: dict[str, str] = field(default_factory=dict)
    # GraphQL field name -> raw value written over the answer (GitHub sending garbage)
    corrupt: dict[str, Any] = field(default_factory=dict)
    # Any GraphQL query that includes this repository times out on GitHub's side (502)
    query_times_out: bool = False
    # Stars added per day for /stargazers/history; None: synthesised from created_at and stars
    star_history: dict[date, int] | None = None

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


def node_id_for(database_id: int) -> str:
    """A node id in GitHub's current opaque style (``R_kgDO…``)."""
    raw = database_id.to_bytes(8, "big").lstrip(b"\0") or b"\0"
    return "R_kgDO" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class Budget:
    """One token's budget for one resource ("core" for REST, "graphql")."""

    limit: int
    remaining: int
    reset_at: int  # epoch seconds, as X-RateLimit-Reset carries it

    @property
    def used(self) -> int:
        return self.limit - self.remaining


@dataclass
class Fault:
    """A failure served instead of the normal answer, to the next matching request(s).

    kind: "status" (``status`` with a short text body, e.g. 502/504), "timeout" (answer only
    after ``seconds``), "malformed_json", "secondary_limit" (``status`` 403 or 429, optional
    ``retry_after``), "rate_limited" (GraphQL 200 with a RATE_LIMITED error; ``remaining``
    overrides the X-RateLimit-Remaining header), "query_timeout" (GraphQL 200, no data, "Something
    went wrong while executing your query…"), "no_data" (GraphQL 200, ``data: null`` and an
    error that is not a timeout). ``after`` lets that many matching requests
    through first.
    """

    kind: str
    path: str = ""
    times: int = 1
    after: int = 0
    status: int = 0
    retry_after: int | None = None
    seconds: float = 0.0
    remaining: int | None = None


@dataclass
class LoggedRequest:
    method: str
    path: str  # as received, query string included
    headers: dict[str, str]  # names lower-cased
    token: str
    status: int = 0
    resource: str = ""  # "core" | "graphql" | "" (not counted)
    cost: int = 0  # rate-limit points charged
    query: str = ""  # GraphQL query text
    variables: dict[str, Any] = field(default_factory=dict)
    fault: str = ""  # the injected fault served, if any

    @property
    def is_graphql(self) -> bool:
        return self.query != ""
