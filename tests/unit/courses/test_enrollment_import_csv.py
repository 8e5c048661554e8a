"""Reading an enrolment import file: columns, line numbers, limits and the ids a cell names."""

from __future__ import annotations

import pytest

from shared.errors import DomainError
from shared.graphql import to_global_id
from subgraphs.courses.enrollment_imports import parse_id, parse_records

UUID = "0b7d4c1e-5f3a-4a8e-9d2b-6c1f0e9a7b35"


def test_rows_keep_their_line_numbers_and_lower_cased_columns() -> None:
    # given a file with a mixed-case header, a blank line and a short row
    text = "User_ID, Section_ID ,Role\nu1,s1,student\n\n,,\nu2,s2\n"
    # when it is read
    rows = parse_records(text, max_rows=10)
    # then blank lines are skipped, lines are counted as in the file, missing cells empty
    assert rows == [
        (2, {"user_id": "u1", "section_id": "s1", "role": "student"}),
        (5, {"user_id": "u2", "section_id": "s2", "role": ""}),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "IMPORT_INVALID_FILE"),
        ("user_id,role\nu1,student\n", "IMPORT_INVALID_FILE"),
        ("user_id,section_id\n" + "u,s\n" * 4, "IMPORT_TOO_MANY_ROWS"),
    ],
)
def test_unusable_files_are_refused_with_a_code(text: str, code: str) -> None:
    # when a file without header, without section_id, or with too many rows is read
    with pytest.raises(DomainError) as refused:
        parse_records(text, max_rows=3)
    # then the code says why, about the object key
    assert (refused.value.code_name, refused.value.field) == (code, "object_key")


def test_ids_are_raw_uuids_or_global_ids_of_the_right_type() -> None:
    assert parse_id(UUID.upper(), "User") == UUID
    assert parse_id(f" {UUID} ".strip(), "Section") == UUID
    assert parse_id(to_global_id("User", UUID), "User") == UUID
    # a global id of another type, of a non-UUID, or garbage names nothing
    assert parse_id(to_global_id("Section", UUID), "User") is None
    assert parse_id(to_global_id("User", "42"), "User") is None
    assert parse_id("not an id", "User") is None
    assert parse_id("", "User") is None
