"""A fake GitHub that runs as a real HTTP server on 127.0.0.1 (REST and GraphQL).

Tests drive it through :class:`FakeGitHub`: add repositories, rename / delete / block them, set
rate budgets, queue faults, and read the request log. See ``tests/fakegithub/__init__.py``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import fields as dataclass_fields
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from . import recordings as rec
from . import rest
from .graphql_endpoint import answer_graphql, limited_message
from .rest import Answer
from .rest_routes import answer_rest
from .state import Budget, FakeRepo, Fault, LoggedRequest, node_id_for

_UNAUTHENTICATED_LIMIT = 60


class FakeGitHub:
    """The state and the behaviour of the fake; one instance per test (``fake_github``)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.reset()

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True, name="fake-github").start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self) -> None:
        """Forget every repository, budget, fault and logged request."""
        with self._lock:
            self.repos: list[FakeRepo] = []
            self.tokens: set[str] | None = None  # None: any token is accepted
            self.budgets: dict[tuple[str, str], Budget] = {}
            self._default_budgets: dict[str, Budget] = {}
            self.faults: list[Fault] = []
            self.requests: list[LoggedRequest] = []
            self.latency = 0.0  # seconds added to every answer
            self.redirect_base: str | None = None  # where 301s point; default: this server
            self._next_id = 500_000_000

    # --- URLs ----------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None, "the fake GitHub is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base_url

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    @property
    def enterprise_api_url(self) -> str:
        """GitHub Enterprise Server layout: REST under /api/v3."""
        return f"{self.base_url}/api/v3"

    @property
    def enterprise_graphql_url(self) -> str:
        return f"{self.base_url}/api/graphql"

    # --- scenario controls ---------------------------------------------------------------------
    def add_repo(self, full_name: str, **values: Any) -> FakeRepo:
        with self._lock:
            self._next_id += 1
            values.setdefault("database_id", self._next_id)
            values.setdefault("node_id", node_id_for(values["database_id"]))
            repo = FakeRepo(full_name=full_name, **values)
            self.repos.append(repo)
            return repo

    def add_repos(self, count: int, owner: str = "org", **values: Any) -> list[FakeRepo]:
        return [self.add_repo(f"{owner}/tool-{i}", **values) for i in range(count)]

    def repo(self, full_name: str) -> FakeRepo:
        found = self.find(full_name)
        if found is None:
            raise KeyError(full_name)
        return found

    def update(self, full_name: str, **values: Any) -> FakeRepo:
        repo = self.repo(full_name)
        known = {f.name for f in dataclass_fields(FakeRepo)}
        with self._lock:
            for key, value in values.items():
                if key not in known:
                    raise TypeError(f"FakeRepo has no field {key!r}")
                setattr(repo, key, value)
        return repo

    def rename(self, full_name: str, new_full_name: str) -> FakeRepo:
        """Rename or transfer: GraphQL answers the new nameWithOwner, REST 301s the old name."""
        repo = self.repo(full_name)
        with self._lock:
            repo.former_names.append(repo.full_name)
            repo.full_name = new_full_name
        return repo

    def delete(self, full_name: str) -> FakeRepo:
        return self.update(full_name, access="missing")

    def block(self, full_name: str) -> FakeRepo:
        """A DMCA takedown: REST 451, GraphQL FORBIDDEN "Repository access blocked"."""
        return self.update(full_name, access="blocked")

    def set_budget(
        self,
        remaining: int,
        *,
        limit: int = 5000,
        reset_at: datetime | int | None = None,
        token: str | None = None,
        resource: str = "graphql",
    ) -> Budget:
        """The rate budget for "graphql" or "core": of one token, of "" (unauthenticated), or
        by default (``token=None``) of every token, each token getting its own copy."""
        if isinstance(reset_at, datetime):
            reset_at = int(reset_at.timestamp())
        budget = Budget(limit, remaining, reset_at or int(time.time()) + 3600)
        with self._lock:
            if token is None:
                self._default_budgets[resource] = budget
                for key in [k for k in self.budgets if k[1] == resource and k[0]]:
                    del self.budgets[key]
            else:
                self.budgets[(token, resource)] = budget
            return budget

    def budget(self, token: str = "", resource: str = "graphql") -> Budget:
        with self._lock:
            key = (token, resource)
            if key not in self.budgets:
                default = self._default_budgets.get(resource) if token else None
                if default is not None:
                    self.budgets[key] = Budget(default.limit, default.remaining, default.reset_at)
                else:
                    limit = 5000 if token else (_UNAUTHENTICATED_LIMIT if resource == "core" else 0)
                    self.budgets[key] = Budget(limit, limit, int(time.time()) + 3600)
            return self.budgets[key]

    def inject(self, kind: str, *, path: str = "", times: int = 1, **params: Any) -> Fault:
        """Serve a fault to the next ``times`` requests whose path starts with ``path``."""
        fault = Fault(kind=kind, path=path, times=times, **params)
        with self._lock:
            self.faults.append(fault)
        return fault

    # --- request log ---------------------------------------------------------------------------
    @property
    def graphql_requests(self) -> list[LoggedRequest]:
        return [r for r in self.requests if r.is_graphql]

    @property
    def rest_requests(self) -> list[LoggedRequest]:
        return [r for r in self.requests if not r.is_graphql]

    @property
    def points_used(self) -> int:
        return sum(r.cost for r in self.requests if r.resource == "graphql")

    # --- dispatch --------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        path, _, query_string = raw_path.partition("?")
        lowered = {k.lower(): v for k, v in headers.items()}
        scheme, _, credential = lowered.get("authorization", "").partition(" ")
        token = credential.strip() if scheme.lower() in {"bearer", "token"} else ""
        entry = LoggedRequest(method, raw_path, lowered, token)
        with self._lock:
            self.requests.append(entry)
            route = path[len("/api/v3") :] if path.startswith("/api/v3/") else path
            route = "/graphql" if route == "/api/graphql" else route
            fault = self._take_fault(route)
            if self.tokens is not None and token and token not in self.tokens:
                answer = rest.json_answer(
                    401,
                    {
                        "message": "Bad credentials",
                        "documentation_url": "https://docs.github.com/rest",
                    },
                    rec.NOT_FOUND_404,
                )
            elif fault is not None and fault.kind != "timeout":
                entry.fault = fault.kind
                answer = self._fault_answer(fault, token)
            elif route == "/graphql" and method == "POST":
                answer = answer_graphql(self, body, token, entry)
            elif method == "GET":
                answer = answer_rest(
                    self, route, dict(parse_qsl(query_string)), lowered, token, entry
                )
            else:
                answer = rest.not_found(self.budget(token, "core"))
            if fault is not None and fault.kind == "timeout":
                entry.fault = "timeout"
                answer.delay += fault.seconds
            entry.status = answer.status
        answer.delay += self.latency
        return answer

    def _take_fault(self, route: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and route.startswith(fault.path):
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.times -= 1
                return fault
        return None

    def _fault_answer(self, fault: Fault, token: str) -> Answer:
        if fault.kind == "status":
            text = f"<html><body><h1>{fault.status} Server Error</h1></body></html>"
            return Answer(fault.status, text.encode(), {"Content-Type": "text/html"})
        if fault.kind == "query_timeout":
            message = (
                "Something went wrong while executing your query. This may be the result of a "
                "timeout, or it could be a GitHub bug. Please include `C0DE:1234:5678` when "
                "reporting this issue."
            )
            payload = {"data": None, "errors": [{"message": message}]}
            return rest.json_answer(200, payload, rec.GRAPHQL_200)
        if fault.kind == "no_data":  # a query GitHub refuses as a whole (e.g. too complex)
            message = "This query is too complex; reduce the number of nodes requested."
            payload = {
                "data": None,
                "errors": [{"type": "MAX_NODE_LIMIT_EXCEEDED", "message": message}],
            }
            return rest.json_answer(200, payload, rec.GRAPHQL_200)
        if fault.kind == "malformed_json":
            return Answer(200, b'{"data": {"r0": {"databaseId": 1', {"Content-Type": rest.JSON})
        if fault.kind == "secondary_limit":
            return rest.secondary_limit(fault.status or 403, fault.retry_after)
        if fault.kind == "rate_limited":
            budget = self.budget(token, "graphql")
            headers = rest.rate_headers(budget, "graphql")
            if fault.remaining is not None:
                headers["X-RateLimit-Remaining"] = str(fault.remaining)
            payload = {"errors": [{"type": "RATE_LIMITED", "message": limited_message(token)}]}
            return rest.json_answer(200, payload, rec.GRAPHQL_200, **headers)
        raise ValueError(f"unknown fault kind {fault.kind!r}")

    def find(self, full_name: str) -> FakeRepo | None:
        wanted = full_name.lower()
        for repo in self.repos:
            if repo.full_name.lower() == wanted:
                return repo
        for repo in self.repos:
            if wanted in (n.lower() for n in repo.former_names):
                return repo
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake's request log is the record."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        answer = self.server.fake.handle(method, self.path, dict(self.headers.items()), body)  # type: ignore[attr-defined]
        if answer.delay:
            time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if answer.body:
                self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
