"""Apollo Gateway, the reference, still gives the recorded answer to every case.

A failure here means the fixture subgraphs, the cases or Apollo's packages
changed: check the difference, then re-record with
``python -m tests.conformance.record``.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conformance.case import Case
from tests.conformance.cases import load_cases, load_snapshots
from tests.conformance.client import ask
from tests.conformance.servers import Server

CASES = load_cases()
SNAPSHOTS = load_snapshots()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_apollo_gateway(case: Case, apollo_gateways: dict[str, Server], http: httpx.Client) -> None:
    # given the snapshot recorded from Apollo Gateway
    expected = SNAPSHOTS[case.id]
    # when the case is sent to Apollo Gateway again
    answer = ask(http, apollo_gateways[case.supergraph].url, case)
    # then the answer is the same, error messages included
    assert answer == expected
