"""``lms compose``: files in, a supergraph out; errors one per line with a non-zero status."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.supergraph import Supergraph
from lms.cli import main


def test_compose_writes_a_supergraph_with_given_urls(tmp_path: Path) -> None:
    (tmp_path / "a.graphql").write_text("type Query { a: Int }")
    out = tmp_path / "super.graphql"
    args = ["compose", "--subgraph", f"a={tmp_path / 'a.graphql'}", "--url", "a=http://x/graphql"]
    assert main([*args, "--output", str(out)]) == 0
    assert Supergraph.parse(out.read_text()).subgraphs["a"].url == "http://x/graphql"


def test_failed_composition_prints_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.graphql").write_text(
            'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9")\n'
            "type Query { a: Int }"
        )
    subgraphs = [f"--subgraph={n}={tmp_path / f'{n}.graphql'}" for n in ("a", "b")]
    code = main(["compose", *subgraphs, "--output", str(tmp_path / "o")])
    assert code == 1
    assert capsys.readouterr().err.startswith("INVALID_FIELD_SHARING: ")
