"""The fake's GraphQL endpoint: GitHub's real public schema, real validation, real execution.

Every query is parsed and validated against ``graphql/schema.graphql`` (octokit/graphql-schema),
then checked with GitHub's own pagination rules, costed with GitHub's documented method, and
executed by graphql-core over resolvers that read the fake's repository table. A query GitHub
would reject is rejected here, in GitHub's error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    VariableNode,
    build_schema,
    execute,
    get_named_type,
    parse,
    validate,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "graphql" / "schema.graphql"


@cache
def github_schema() -> GraphQLSchema:
    """GitHub's public schema, built once per process (about a second)."""
    schema = build_schema(SCHEMA_PATH.read_text(), assume_valid_sdl=True)
    # GitHub's schema trips graphql-core's strict schema checks (duplicate fields, deprecation
    # mismatches); GitHub serves it anyway, so mark it as validated.
    schema._validation_errors = []
    return schema


@dataclass
class Prepared:
    """A query that passed validation, with its rate-limit cost."""

    document: Any
    cost: int
    node_requests: int


def _error(message: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, **extra}


def prepare(query: str, variables: dict[str, Any]) -> Prepared | list[dict[str, Any]]:
    """Parse, validate and cost a query; a list of GitHub-style errors when GitHub would refuse."""
    checked = _parse_and_validate(query)
    if isinstance(checked, list):
        return checked
    counter = _CostCounter(github_schema(), checked, variables or {})
    counter.run()
    if counter.problems:
        return [_error(message) for message in counter.problems]
    return Prepared(checked, max(1, round(counter.requests / 100)), counter.requests)


@lru_cache(maxsize=256)
def _parse_and_validate(query: str) -> Any:
    """The parsed document, or GitHub-style errors. Same text, same verdict: cached."""
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        locations = [{"line": loc.line, "column": loc.column} for loc in exc.locations or []]
        return [_error(f"Parse error: {exc.message}", locations=locations)]
    problems = validate(github_schema(), document)
    if problems:
        return [
            _error(
                p.message,
                locations=[{"line": loc.line, "column": loc.column} for loc in p.locations or []],
            )
            for p in problems
        ]
    return document


class _CostCounter:
    """GitHub's documented cost: one request per connection, multiplied by its parents' page
    sizes (``first``/``last``, or the length of ``ids`` for ``nodes``); cost = requests / 100,
    rounded, at least 1. Also enforces GitHub's rules that a connection whose ``nodes``/``edges``
    are selected needs ``first`` or ``last``, at most 100."""

    def __init__(self, schema: GraphQLSchema, document: Any, variables: dict[str, Any]):
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operation = next(
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        )
        self.requests = 0
        self.problems: list[str] = []

    def run(self) -> None:
        self._walk(self.operation.selection_set, self.schema.query_type, 1)

    def _argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                return self.variables.get(value.name.value)
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, ListValueNode):
                return list(value.values)
        return None

    def _walk(self, selection_set: Any, parent: Any, multiplier: int) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                self._walk(selection.selection_set, target, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                target = self.schema.get_type(fragment.type_condition.name.value)
                self._walk(fragment.selection_set, target, multiplier)
            elif isinstance(selection, FieldNode):
                self._field(selection, parent, multiplier)

    def _field(self, node: FieldNode, parent: Any, multiplier: int) -> None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return
        named = get_named_type(definition.type)
        child_multiplier = multiplier
        if named.name.endswith("Connection"):
            page = self._argument(node, "first") or self._argument(node, "last")
            selected = {s.name.value for s in node.selection_set.selections if hasattr(s, "name")}
            name = node.name.value
            if page is None and selected & {"nodes", "edges"}:
                self.problems.append(
                    f"You must provide a `first` or `last` value to properly paginate "
                    f"the `{name}` connection."
                )
            if page is not None and page > 100:
                self.problems.append(
                    f"Requesting {page} records on the `{name}` connection exceeds the "
                    f"`first` limit of 100 records."
                )
            self.requests += multiplier
            child_multiplier = multiplier * (page or 1)
        ids = self._argument(node, "ids")
        if isinstance(ids, list):
            child_multiplier = multiplier * max(1, len(ids))
        self._walk(node.selection_set, named, child_multiplier)


def run(
    prepared: Prepared,
    variables: dict[str, Any],
    root: dict[str, Callable[..., Any]],
) -> dict[str, Any]:
    """Execute a prepared query; the answer in GitHub's JSON shape (``data`` and ``errors``)."""
    context: dict[str, list[dict[str, Any]]] = {"errors": []}
    result = execute(
        github_schema(), prepared.document, root_value=root, variable_values=variables,
        context_value=context,
    )  # fmt: skip
    errors = [_github_error(e) for e in result.errors or ()] + context["errors"]
    answer: dict[str, Any] = {"data": result.data}
    if errors:
        answer["errors"] = errors
    return answer


def _github_error(error: GraphQLError) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    extensions = error.extensions or {}
    if "type" in extensions:
        shaped["type"] = extensions["type"]
    if error.path is not None:
        shaped["path"] = list(error.path)
    if error.locations:
        shaped["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    shaped["message"] = error.message
    return shaped


def typed_error(kind: str, message: str) -> GraphQLError:
    """An error a resolver raises; comes out as ``{"type": kind, "path": …, "message": …}``."""
    return GraphQLError(message, extensions={"type": kind})
