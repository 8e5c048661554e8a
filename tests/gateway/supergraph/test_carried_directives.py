"""Supergraphs carrying @authenticated, @requiresScopes, @policy, @cost/@listSize and
composed custom directives: they load, their API schema is Apollo's, queries plan.

Apollo Gateway itself refuses the access-control features (it serves only join, tag and
inaccessible ``for:`` features); Apollo Router serves them, so the reference API schema is
Apollo's with the Router's feature list. Unknown ``for: SECURITY`` features are refused by
both.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import parse, print_schema

from gateway.composition import SubgraphSource, compose
from gateway.planner import QueryPlanner
from gateway.supergraph import Supergraph, SupergraphError
from tests.gateway.composition.oracle import ORACLE, apollo_compose
from tests.gateway.composition.test_directives_carried import SETS

_API_SCHEMA = """
import { readFileSync } from "node:fs";
import { Supergraph, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES } from "@apollo/federation-internals";
import { printSchema } from "graphql";
const features = process.argv[2] === "router" ? ROUTER_SUPPORTED_SUPERGRAPH_FEATURES : undefined;
const supergraph = Supergraph.build(readFileSync(process.argv[1], "utf8"),
  { supportedFeatures: features });
console.log(printSchema(supergraph.apiSchema().toGraphQLJSSchema()));
"""


def _apollo_api_schema(path: Path, features: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node is not None, "node is needed for the API schema oracle (install Node.js)"
    return subprocess.run(
        [node, "--input-type=module", "-e", _API_SCHEMA, str(path), features],
        cwd=ORACLE,
        capture_output=True,
        text=True,
        check=False,
    )


def _composed(name: str, tmp_path: Path) -> tuple[str, str]:
    files = []
    for subgraph, sdl in SETS[name].items():
        path = tmp_path / f"{subgraph}.graphql"
        path.write_text(sdl)
        files.append((subgraph, f"http://{subgraph}", path))
    apollo, errors = apollo_compose(files)
    assert apollo is not None, errors
    ours = compose([SubgraphSource(name=n, url=u, sdl=p.read_text()) for n, u, p in files])
    assert ours.supergraph_sdl is not None, ours.errors
    return ours.supergraph_sdl, apollo


@pytest.mark.parametrize("name", ["access_control", "demand_control", "compose_directive"])
def test_loads_with_apollos_api_schema(name: str, tmp_path: Path) -> None:
    # given our supergraph of subgraphs applying carried directives
    ours, _ = _composed(name, tmp_path)
    path = tmp_path / "supergraph.graphql"
    path.write_text(ours)
    # when our gateway and Apollo's federation library load it
    supergraph = Supergraph.parse(ours)
    apollo = _apollo_api_schema(path, "router")
    # then the API schemas print alike: no carried directive is in it or its introspection
    assert apollo.returncode == 0, apollo.stderr
    assert print_schema(supergraph.api_schema).strip() == apollo.stdout.strip()
    directives = {d.name for d in supergraph.api_schema.directives}
    assert directives.isdisjoint({"authenticated", "requiresScopes", "policy", "myDirective"})


def test_queries_plan_as_over_apollos_supergraph(tmp_path: Path) -> None:
    # given our supergraph and Apollo's of the same access-controlled subgraphs
    ours, apollo = _composed("access_control", tmp_path)
    query = parse("{ me { id name email } grade secret }")
    # when a query touching guarded fields of both subgraphs is planned over each
    plans = [QueryPlanner(Supergraph.parse(sdl)).plan(query).pretty() for sdl in (ours, apollo)]
    # then the plans are the same, fetching from both subgraphs
    assert plans[0] == plans[1]
    assert 'Fetch(service: "a")' in plans[0]
    assert 'Fetch(service: "b")' in plans[0]


def test_an_unknown_security_feature_is_refused_as_apollo_refuses_it(tmp_path: Path) -> None:
    # given a supergraph linking a security feature this gateway does not know
    ours, _ = _composed("access_control", tmp_path)
    unknown = '@link(url: "https://specs.example.com/secret/v0.1", for: SECURITY)'
    sdl = ours.replace("schema\n", f"schema\n  {unknown}\n", 1)
    path = tmp_path / "supergraph.graphql"
    path.write_text(sdl)
    # when loaded by our gateway and by Apollo's
    apollo = _apollo_api_schema(path, "router")
    # then both refuse it, ours saying what to do
    assert apollo.returncode != 0
    assert "secret/v0.1 is for: SECURITY but is unsupported" in apollo.stderr
    with pytest.raises(SupergraphError, match=r"secret/v0.1 is for: SECURITY but is unsupported"):
        Supergraph.parse(sdl)
