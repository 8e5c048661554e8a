"""The benchmark's own logic, without wrk: reading wrk's result, building
representations from a plan's requires, and the report's overhead figures."""

from __future__ import annotations

import json

from tests.load.gateway.bench import gateway_env
from tests.load.gateway.fetches import representations
from tests.load.gateway.report import Report, Row
from tests.load.gateway.wrk import Load, Measurement, parse_output

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:1/
BENCH_JSON {"requests":2000,"duration_us":2000000,"invalid":3,"socket_errors":\
{"connect":0,"read":1,"write":0,"timeout":2},"status_errors":3,\
"latency_us":{"mean":1500.5,"p50":1200,"p90":2000,"p95":2500,"p99":4000,"max":9000}}
"""


def measurement(p50_ms: float) -> Measurement:
    return Measurement(requests=100, seconds=1.0, p50_ms=p50_ms, p95_ms=p50_ms,
                       p99_ms=p50_ms, mean_ms=p50_ms, failed=0)  # fmt: skip


def test_wrk_result_is_read_from_the_script_line() -> None:
    result = parse_output(WRK_OUTPUT)
    assert result.requests_per_second == 1000
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (1.2, 2.5, 4.0)
    assert result.failed == 3 + 3


def test_representations_pick_the_required_fields_of_the_right_type() -> None:
    requires = [{"kind": "InlineFragment", "typeCondition": "Course", "selections": [
        {"kind": "Field", "name": "__typename"},
        {"kind": "Field", "name": "code"},
        {"kind": "Field", "name": "instructor", "selections": [{"kind": "Field", "name": "id"}]},
    ]}]  # fmt: skip
    course = {"__typename": "Course", "code": "CS101", "title": "x",
              "instructor": {"id": "u1", "name": "Ada"}}  # fmt: skip
    assert representations(course, requires) == {
        "__typename": "Course", "code": "CS101", "instructor": {"id": "u1"}
    }  # fmt: skip
    assert representations({"__typename": "User", "id": "u1"}, requires) == {}


def test_overhead_is_against_the_root_fetch_and_all_fetches() -> None:
    report = Report(query="{ a }", load=Load(), warmup=1.0, machine={"cpus": 2})
    report.rows += [
        Row("direct", "accounts (fetch 1)", measurement(2.0)),
        Row("direct", "reviews (fetch 2)", measurement(3.0)),
        Row("dedup on", "apollo", measurement(10.0), "note"),
        Row("dedup on", "lms", None, "did not start"),
    ]
    assert report.root_p50_ms == 2.0
    assert report.chain_p50_ms == 5.0
    assert report.table()[3][7] == "+8.00 / +5.00"
    assert "did not start" in report.markdown()
    assert json.loads(json.dumps(report.to_json()))["rows"][3]["result"] is None


def test_deduplication_switches() -> None:
    assert gateway_env("lms", False) == {"LMS_GATEWAY_DEDUPLICATE": "false"}
    assert gateway_env("hive", False) == {"BENCH_DEDUPLICATE": "false"}
    assert gateway_env("apollo", False) == {}
