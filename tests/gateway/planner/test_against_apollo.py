"""Our plans against Apollo's for every fixture case: same fields from the same subgraphs.

Plans need not match textually (field order, Apollo's ``Condition`` nodes); each
subgraph must be asked for the same fields. Needs node and the packages of
``tests/oracle`` (``npm ci`` there).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from tests.gateway.planner.plans import SUPERGRAPHS, plan, supergraph_for

ORACLE = Path(__file__).parents[2] / "oracle"

CASES: list[tuple[str, str, str | None]] = [
    ("keys", "{ books { title price copies } }", None),
    ("keys", "{ books { edition { number printRun } } }", None),
    ("keys", "{ listings { discount book { title } organization { name } } }", None),
    ("shop", "{ products { shippingEstimate } }", None),
    ("shop", "{ products { price shippingEstimate } }", None),
    ("shop", "{ latestReviews { body product { name } } }", None),
    ("shop", "{ latestReviews { product { name inStock } } }", None),
    ("shop", "{ topProduct { inStock } }", None),
    ("shop", "{ topProduct { name inStock } }", None),
    ("shop", "{ latestReviews { product { id } } }", None),
    (
        "abstract",
        ("{ media { __typename id title ... on Book { pages rating } ... on Movie { rating } } }"),
        None,
    ),
    (
        "abstract",
        ('{ search(text: "x") { ... on Media { title } ... on Person { name followers } } }'),
        None,
    ),
    ("interface_object", "{ accounts { email lastSeen } }", None),
    ("interface_object", "{ recentlyActive { lastSeen ... on Student { cohort } } }", None),
    ("interface_object", "{ recentlyActive { __typename id } }", None),
    ("override", '{ course(id: "1") { title credits syllabus } }', None),
    (
        "shop",
        (
            'query { p1: product(id: "1") { ...F } p2: product(id: "2") { ... on '
            "Product { id inStock } } } fragment F on Product { name reviews { body"
            " } }"
        ),
        None,
    ),
    ("shop", '{ products { usd: price(currency: "USD") eur: price(currency: "EUR") } }', None),
    (
        "shop",
        (
            "query Q($n: Int = 3, $cur: String!, $withStock: Boolean!) { "
            "products(first: $n) { cheap: price(currency: $cur) euro: "
            'price(currency: "EUR") inStock @include(if: $withStock) } }'
        ),
        "Q",
    ),
    (
        "abstract",
        (
            "query ($rated: Boolean = true) { media { id ... on Book @include(if: "
            "$rated) { rating } } }"
        ),
        None,
    ),
    ("shop", "{ __typename }", None),
    ("shop", '{ __schema { queryType { name } } __type(name: "Product") { name } }', None),
    (
        "shop",
        (
            'mutation { productCreate(name: "a") { id inStock } productRename(id: '
            '"1", name: "b") { name } stockAdjust(id: "1", delta: 2) { name } '
            'reviewCreate(productId: "1", body: "x") { id } }'
        ),
        None,
    ),
    ("value_types", "{ stats { games viewers } }", None),
    ("value_types", "{ teams { profile { name motto } } }", None),
    (
        "value_types",
        (
            "{ teams { members { ... on Player { number interviews } ... on Coach {"
            " since } ... on Mascot { costume } } } }"
        ),
        None,
    ),
    ("mismatch", "{ accounts { ... on User { id name } ... on Admin { id name } } }", None),
    ("mismatch", "{ people { id name } }", None),
]


@cache
def _apollo_plans() -> tuple[dict[str, Any], ...]:
    node = shutil.which("node")
    if node is None or not (ORACLE / "node_modules" / "@apollo" / "query-planner").is_dir():
        pytest.fail(
            "comparing with Apollo needs node and tests/oracle/node_modules: "
            "install node 20 and run `npm ci` in tests/oracle"
        )
    lines = "\n".join(
        json.dumps(
            {
                "supergraph": str(SUPERGRAPHS / f"{name}.graphql"),
                "query": query,
                "operationName": operation_name,
            }
        )
        for name, query, operation_name in CASES
    )
    completed = subprocess.run(
        [node, str(ORACLE / "planner-plans.mjs")],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
        timeout=100,
    )
    return tuple(json.loads(line) for line in completed.stdout.splitlines())


def _key_fields(name: str) -> set[str]:
    supergraph = supergraph_for(name)
    names: set[str] = set()
    for type_name in supergraph.schema.type_map:
        for info in supergraph.type_in(type_name).values():
            for key in info.keys:
                names.update(
                    f.name.value for f in key.selections.selections if isinstance(f, FieldNode)
                )
    return names


def _leaves(operation: str) -> set[str]:
    document = parse(operation)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    leaves: set[str] = set()

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is None:
                    leaves.add(selection.name.value)
                else:
                    walk(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                walk(fragments[selection.name.value].selection_set)

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            walk(definition.selection_set)
    return leaves


def _summary(node: dict[str, Any] | None, ignored: set[str]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}

    def visit(current: dict[str, Any] | None) -> None:
        if current is None:
            return
        kind = current["kind"]
        if kind == "Fetch":
            fields = _leaves(current["operation"]) - ignored - {"__typename"}
            result.setdefault(current["serviceName"], set()).update(fields)
        elif kind == "Flatten":
            visit(current["node"])
        elif kind == "Condition":
            visit(current.get("ifClause"))
            visit(current.get("elseClause"))
        else:
            for child in current.get("nodes", ()):
                visit(child)

    visit(node)
    return {service: fields for service, fields in result.items() if fields}


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=lambda v: str(v)[:60])
def test_same_fields_from_the_same_subgraphs_as_apollo(
    index: int, case: tuple[str, str, str | None]
) -> None:
    name, query, operation_name = case
    apollo = _apollo_plans()[index]
    assert "plan" in apollo, apollo.get("error")
    ignored = _key_fields(name)
    ours = plan(name, query, operation_name=operation_name).to_json().get("node")
    assert _summary(ours, ignored) == _summary(apollo["plan"].get("node"), ignored), apollo[
        "pretty"
    ]
