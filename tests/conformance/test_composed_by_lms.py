"""The composition differential: our composer's supergraph runs as Apollo's does.

The campus subgraphs' ``_service { sdl }`` texts, with the same URLs, are
composed by ``gateway.composition`` instead of Apollo's composition, and
Apollo Gateway (the reference) serves the result. Every case must get the
answer recorded from Apollo Gateway over Apollo's own supergraph, compared
exactly as ``test_apollo_gateway.py`` compares it. Statically, both
supergraphs must yield the same API schema and the same join metadata.

A failure here is a composer bug: the supergraph we print makes the reference
gateway plan or execute differently.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conformance.campus import Campus
from tests.conformance.case import Case
from tests.conformance.cases import load_cases, load_snapshots
from tests.conformance.client import ask
from tests.conformance.servers import Server
from tests.gateway.composition.oracle import summary

CASES = load_cases()
SNAPSHOTS = load_snapshots()


@pytest.mark.parametrize("name", ["campus", "outage"])
def test_same_api_schema_and_join_metadata_as_apollo(
    name: str, campus: Campus, lms_composed_supergraphs: dict[str, Path]
) -> None:
    # given Apollo's supergraph of the campus subgraphs and ours of the same SDL and URLs
    apollo = campus.supergraphs[name].read_text()
    ours = lms_composed_supergraphs[name].read_text()
    # when both are reduced to their API schema, join metadata and other directives
    apollo_api, *apollo_metadata = summary(apollo)
    our_api, *our_metadata = summary(ours)
    # then they are the same
    assert our_api == apollo_api
    assert our_metadata == apollo_metadata


def test_subgraph_urls_are_the_ones_given(
    campus: Campus, lms_composed_supergraphs: dict[str, Path]
) -> None:
    # given our supergraphs of campus (all up) and outage (workload refusing)
    campus_sdl = lms_composed_supergraphs["campus"].read_text()
    outage_sdl = lms_composed_supergraphs["outage"].read_text()
    # when the subgraph URLs are looked up
    workload_url = campus.subgraphs["workload"].url
    # then each supergraph calls the URLs it was composed with
    assert workload_url in campus_sdl
    assert workload_url not in outage_sdl
    assert campus.urls["outage"]["workload"] in outage_sdl


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_apollo_gateway_over_lms_composition(
    case: Case, apollo_gateways_over_lms_composition: dict[str, Server], http: httpx.Client
) -> None:
    # given the answer recorded from Apollo Gateway over Apollo's supergraph
    expected = SNAPSHOTS[case.id]
    # when the case is sent to Apollo Gateway over our supergraph
    answer = ask(http, apollo_gateways_over_lms_composition[case.supergraph].url, case)
    # then the answer is the same, error messages included
    assert answer == expected
