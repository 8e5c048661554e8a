"""``lms gateway`` answers every case as Apollo Gateway does.

The reference answers are the snapshots recorded from Apollo Gateway (see
``test_apollo_gateway.py``, which proves they are current). ``data`` must be
equal, field order included; errors must agree in number, ``path`` and
``extensions.code`` where Apollo sets one, and in message where the case
says the message is the subgraph's own text.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conformance.case import Case
from tests.conformance.cases import load_cases, load_snapshots
from tests.conformance.client import ask
from tests.conformance.responses import differences
from tests.conformance.servers import Server

CASES = load_cases()
SNAPSHOTS = load_snapshots()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_conformance(case: Case, lms_gateways: dict[str, Server], http: httpx.Client) -> None:
    # given Apollo Gateway's answer
    expected = SNAPSHOTS[case.id]
    # when the case is sent to lms gateway
    answer = ask(http, lms_gateways[case.supergraph].url, case)
    # then both agree
    problems = differences(expected, answer, messages=case.messages)
    assert not problems, "\n".join(problems)
