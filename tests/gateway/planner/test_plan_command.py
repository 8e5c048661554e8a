"""``lms plan``: the plan of an operation as JSON or Apollo's pretty text."""

from __future__ import annotations

import json

import pytest

from lms.cli import main
from tests.gateway.planner.plans import SUPERGRAPHS

SHOP = str(SUPERGRAPHS / "shop.graphql")


def test_prints_the_plan_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--supergraph", SHOP, "{ topProduct { inStock } }"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["node"]["serviceName"] == "inventory"
    assert printed["node"]["operation"] == "{topProduct{inStock}}"


def test_prints_apollo_pretty_text(capsys: pytest.CaptureFixture[str]) -> None:
    query = "query A { topProduct { id } } query B { products { inStock } }"
    assert main(["plan", "--supergraph", SHOP, "--pretty", "--operation-name", "B", query]) == 0
    out = capsys.readouterr().out
    assert out.startswith("QueryPlan {\n  Sequence {")
    assert 'Flatten(path: "products.@")' in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--supergraph", "missing.graphql", "{ a }"], "cannot read supergraph missing.graphql"),
        (["--supergraph", SHOP, "{ nope }"], "not valid against the API schema"),
        (["--supergraph", SHOP, "{"], "does not parse"),
    ],
)
def test_mistakes_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["plan", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
