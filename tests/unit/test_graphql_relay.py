"""Global ids, cursors and in-memory pagination."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import BadUserInput, NotFoundError
from shared.graphql.relay import (
    decode_cursor,
    encode_cursor,
    from_global_id,
    paginate_list,
    split_global_id,
    to_global_id,
)


def test_global_ids_round_trip_and_are_opaque() -> None:
    gid = to_global_id("Course", 42)
    assert "Course" not in gid
    assert "=" not in gid
    assert split_global_id(gid) == ("Course", "42")
    assert from_global_id(gid, expected_type="Course") == "42"
    assert from_global_id(to_global_id("User", "a:b/c")) == "a:b/c"


def test_malformed_global_id_is_bad_user_input() -> None:
    for bad in ["", "***", to_global_id("Course", "1")[:-3] + "!!", "Q291cnNl"]:
        with pytest.raises(BadUserInput, match="Invalid ID") as caught:
            from_global_id(bad, field="courseId")
        assert caught.value.field == "courseId"


def test_global_id_of_another_type_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="No Course with ID"):
        from_global_id(to_global_id("User", "1"), expected_type="Course")


def test_cursor_values_keep_their_types() -> None:
    values = [
        1,
        "x",
        1.5,
        True,
        Decimal("2.50"),
        uuid.UUID(int=5),
        date(2024, 2, 3),
        datetime(2024, 1, 1, 12, tzinfo=UTC),
    ]
    assert decode_cursor(encode_cursor(values), size=len(values), field="after") == values
    with pytest.raises(BadUserInput, match="Invalid cursor for `after`"):
        decode_cursor(encode_cursor(values), size=2, field="after")
    with pytest.raises(ValueError, match="non-null"):
        encode_cursor([None])


@given(items=st.lists(st.integers(), max_size=30), size=st.integers(min_value=1, max_value=8))
def test_list_pages_forward_and_backward_cover_everything(items: list[int], size: int) -> None:
    seen: list[int] = []
    after = None
    while True:
        page = paginate_list(items, first=size, after=after)
        assert len(page.nodes) <= size
        assert page.has_previous_page is (after is not None and bool(items))
        assert page.total_count == len(items)
        seen += page.nodes
        if not page.has_next_page:
            break
        after = page.cursors[-1]
    assert seen == items
    seen = []
    before = None
    while True:
        page = paginate_list(items, last=size, before=before)
        assert len(page.nodes) <= size
        seen = page.nodes + seen
        if not page.has_previous_page:
            break
        before = page.cursors[0]
    assert seen == items


def test_list_window_between_cursors() -> None:
    items = list(range(10))
    cursors = paginate_list(items, first=10).cursors
    page = paginate_list(items, first=3, after=cursors[2], before=cursors[8])
    assert page.nodes == [3, 4, 5]
    assert page.has_next_page
    page = paginate_list(items, last=2, after=cursors[2], before=cursors[8])
    assert page.nodes == [6, 7]
    assert page.has_previous_page


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"first": 2, "last": 2}, "not both"),
        ({"last": -3}, "`last` must not be negative"),
        ({"first": 500}, "`first` is at most 100"),
        ({"after": "nope"}, "Invalid cursor"),
        ({"before": encode_cursor(["x"])}, "Invalid cursor for `before`"),
    ],
)
def test_list_argument_errors(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(BadUserInput, match=message):
        paginate_list([1, 2, 3], **arguments)  # type: ignore[arg-type]


def test_default_page_size_applies_without_first_or_last() -> None:
    page = paginate_list(list(range(50)))
    assert len(page.nodes) == 20
    assert page.has_next_page
