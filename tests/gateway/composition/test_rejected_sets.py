"""Where Apollo's composition rejects a set of subgraphs, ours rejects it too, with the
same set of error codes.

Each folder of ``rejected/`` is one set, a ``<subgraph>.graphql`` file per subgraph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.composition import SubgraphSource, compose
from tests.gateway.composition.oracle import apollo_compose

REJECTED = Path(__file__).parent / "rejected"
SETS = sorted(d for d in REJECTED.iterdir() if d.is_dir())


def _apollo_codes(stderr: str) -> set[str]:
    return set(re.findall(r"^([A-Z_]+): ", stderr, flags=re.MULTILINE))


@pytest.mark.parametrize("folder", SETS, ids=[d.name for d in SETS])
def test_rejected_by_both_with_the_same_codes(folder: Path) -> None:
    # given the subgraph files of one set
    files = sorted(folder.glob("*.graphql"))
    subgraphs = [(p.stem, f"http://{p.stem}", p) for p in files]
    # when both compositions run
    apollo, apollo_errors = apollo_compose(subgraphs)
    ours = compose([SubgraphSource(name=n, url=u, sdl=p.read_text()) for n, u, p in subgraphs])
    # then both refuse the set, for the same kinds of reasons
    assert apollo is None, f"Apollo composes {folder.name}; move it out of rejected/"
    assert ours.supergraph_sdl is None
    assert {e.code for e in ours.errors} == _apollo_codes(apollo_errors), ours.errors
