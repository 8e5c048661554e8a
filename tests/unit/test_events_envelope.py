"""The event envelope: construction, validation and its JSON form."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.events import Event, EventDecodeError, Origin

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


def test_new_fills_id_and_utc_time() -> None:
    event = Event.new(
        type="course.created", source="courses", tenant="c1", subject="42", data={"a": 1}
    )
    assert len(event.id) == 36
    assert event.time.tzinfo is not None
    assert event.time.utcoffset() == UTC.utcoffset(None)
    assert event.domain == "course"
    assert event.schema_version == 1


def test_json_round_trip_keeps_every_field() -> None:
    event = Event.new(
        type="grade.published",
        source="submissions",
        tenant=None,
        subject="s-1",
        data={"score": 9.5, "tags": ["a", "é"]},
        schema_version=3,
    )
    raw = event.to_json()
    assert b" " not in raw.replace(b'"', b"")[:5]
    assert Event.from_json(raw) == event


@given(data=st.dictionaries(st.text(), json_values, max_size=5), tenant=st.none() | st.text())
def test_any_json_data_round_trips(data: dict[str, object], tenant: str | None) -> None:
    event = Event.new(type="note.shared", source="notes", tenant=tenant, subject="n", data=data)
    assert Event.from_json(event.to_json()) == event


@pytest.mark.parametrize("bad", ["Course.created", "course", "course.", ".created", "a b.c"])
def test_rejects_malformed_type(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid event type"):
        Event.new(type=bad, source="x", subject="y")


def test_rejects_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Event(id="1", type="a.b", source="s", time=datetime(2024, 1, 1), tenant=None, subject="x")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"[]",
        b'{"id": "1"}',
        b'{"id":"1","type":"a.b","source":"s",'
        b'"time":"yesterday","tenant":null,"subject":"x","data":{}}',
    ],
)
def test_from_json_rejects_garbage(raw: bytes) -> None:
    with pytest.raises(EventDecodeError):
        Event.from_json(raw)


def test_origin_round_trips_and_is_left_out_when_unknown() -> None:
    event = Event.new(type="course.created", source="courses", tenant="c1", subject="42")
    assert "origin" not in event.to_dict()
    stamped = replace(event, origin=Origin(request_id="r-1", ip="203.0.113.9"))
    assert stamped.to_dict()["origin"] == {"request_id": "r-1", "ip": "203.0.113.9"}
    assert Event.from_json(stamped.to_json()) == stamped


def test_an_origin_that_names_nothing_reads_as_none() -> None:
    raw = Event.new(type="course.created", source="courses", subject="42").to_dict()
    raw["origin"] = {"ip": None}
    assert Event.from_json(json.dumps(raw)).origin is None
    raw["origin"] = "203.0.113.9"
    with pytest.raises(EventDecodeError, match="origin"):
        Event.from_json(json.dumps(raw))
