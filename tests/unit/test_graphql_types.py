"""Error types per domain, Progress and the list cap."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

import pytest
import strawberry

from shared.errors import BadUserInput, DomainError, DomainErrors
from shared.graphql.mutations import check_list_size, to_user_errors, user_error_type
from shared.graphql.progress import JobState, Progress
from shared.graphql.schema import build_subgraph_schema, print_sdl


class NoteErrorCode(Enum):
    NOT_SHARED = "not_shared"
    TOO_LONG = "too_long"


NoteError = user_error_type("NoteError", NoteErrorCode)


@strawberry.type
class Query:
    @strawberry.field
    def note_error(self) -> NoteError:  # type: ignore[valid-type]
        return to_user_errors(NoteError, DomainError("TOO_LONG", "Too long.", "body"))[0]

    @strawberry.field
    def job(self, processed: int, total: int | None, state: JobState) -> Progress:
        return Progress(
            id=strawberry.ID("j1"),
            state=state,
            processed=processed,
            total=total,
            started_at=datetime(2024, 1, 1, tzinfo=UTC),
        )


schema = build_subgraph_schema(query=Query)


def test_error_type_uses_the_domain_enum() -> None:
    sdl = print_sdl(schema)
    assert "type NoteError {" in sdl
    assert "code: NoteErrorCode!" in sdl
    assert "enum NoteErrorCode {" in sdl
    assert "field: String" in sdl


async def test_error_type_serialises_codes() -> None:
    result = await schema.execute("{ noteError { field code message } }")
    assert result.data == {
        "noteError": {"field": "body", "code": "TOO_LONG", "message": "Too long."}
    }


def test_codes_outside_the_enum_are_bugs() -> None:
    with pytest.raises(ValueError, match="not a member of NoteErrorCode"):
        to_user_errors(NoteError, DomainErrors([DomainError("SOMETHING_ELSE", "?")]))


@pytest.mark.parametrize(
    ("processed", "total", "state", "percent"),
    [
        (5, 20, "RUNNING", 25.0),
        (0, None, "PENDING", None),
        (3, 0, "SUCCEEDED", 100.0),
        (1, 3, "FAILED", 33.3),
    ],
)
async def test_progress_percent(
    processed: int, total: int | None, state: str, percent: float | None
) -> None:
    result = await schema.execute(
        "query($p: Int!, $t: Int, $s: JobState!) { job(processed: $p, total: $t, state: $s) "
        "{ id state processed total percent startedAt finishedAt } }",
        {"p": processed, "t": total, "s": state},
    )
    assert result.errors is None
    assert result.data is not None
    assert result.data["job"]["percent"] == percent
    assert result.data["job"]["state"] == state
    assert result.data["job"]["startedAt"] == "2024-01-01T00:00:00+00:00"
    assert result.data["job"]["finishedAt"] is None


def test_job_state_knows_when_it_is_finished() -> None:
    assert JobState.CANCELLED.is_finished
    assert not JobState.RUNNING.is_finished


def test_list_cap() -> None:
    check_list_size(range(100), field="rows")
    with pytest.raises(BadUserInput, match="at most 100 items") as caught:
        check_list_size(range(101), field="rows")
    assert caught.value.field == "rows"
