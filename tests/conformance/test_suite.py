"""The suite itself: enough cases, one snapshot each, and a fixture set that
really exercises the federation features the cases are named after."""

from __future__ import annotations

import json

from tests.conformance.campus import Campus
from tests.conformance.cases import AREAS, load_cases, load_snapshots, snapshot_path
from tests.conformance.responses import differences, normalize

CASES = load_cases()


def test_at_least_forty_cases_with_unique_ids() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)


def test_every_area_has_cases_and_every_case_a_snapshot() -> None:
    snapshots = load_snapshots()
    assert {case.area for case in CASES} == set(AREAS)
    assert set(snapshots) == {case.id for case in CASES}
    for area in AREAS:
        assert snapshot_path(area).exists()


def test_snapshots_are_normalized() -> None:
    for case_id, answer in load_snapshots().items():
        raw = {
            **answer,
            "errors": [
                {"message": e["message"], "path": e["path"], "extensions": {"code": e["code"]}}
                for e in reversed(answer["errors"])
            ],
        }
        assert normalize(raw) == answer, case_id
        assert set(answer) <= {"data", "errors"}, case_id


def test_cases_cover_partial_data_and_request_errors() -> None:
    snapshots = load_snapshots()
    partial = [c for c in snapshots.values() if c.get("data") and c["errors"]]
    rejected = [c for c in snapshots.values() if "data" not in c]
    assert len(partial) >= 5
    assert len(rejected) >= 5


def test_differences_name_what_departs() -> None:
    expected = {
        "data": {"a": 1, "b": [1]},
        "errors": [{"message": "m", "path": ["b"], "code": "X"}],
    }
    reordered = {"data": {"b": [1], "a": 1}, "errors": expected["errors"]}
    wrong_code = {
        "data": expected["data"],
        "errors": [{"message": "other", "path": ["b"], "code": "Y"}],
    }
    other_text = {
        "data": expected["data"],
        "errors": [{"message": "other", "path": ["b"], "code": "X"}],
    }
    assert differences(expected, json.loads(json.dumps(expected)), messages=True) == []
    assert "another order" in differences(expected, reordered, messages=False)[0]
    assert differences(expected, wrong_code, messages=False)
    assert differences(expected, other_text, messages=False) == []
    assert differences(expected, other_text, messages=True)
    assert differences(expected, {"errors": expected["errors"]}, messages=False)


def test_supergraph_uses_every_feature_the_cases_name(campus: Campus) -> None:
    supergraph = campus.supergraphs["campus"].read_text()
    for feature in (
        'key: "id"',
        'key: "code"',
        "requires: ",
        "provides: ",
        'override: "catalog"',
        "@inaccessible",
        '@tag(name: "public")',
        "union SearchResult",
        "interface Content",
    ):
        assert feature in supergraph, feature


def test_outage_supergraph_points_workload_at_a_refusing_port(campus: Campus) -> None:
    campus_sdl = campus.supergraphs["campus"].read_text()
    outage_sdl = campus.supergraphs["outage"].read_text()
    workload_url = campus.subgraphs["workload"].url
    assert workload_url in campus_sdl
    assert workload_url not in outage_sdl
    assert campus.subgraphs["catalog"].url in outage_sdl
