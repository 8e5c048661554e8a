"""The content permission table of ``docs/courses.md``, role by role, over GraphQL.

Each case is one person of :func:`tests.integration.courses.test_content.make_world`
running every operation, in order, on a published module for section A
(made by its teacher) holding a published page; the row lists what each
operation answers: ``OK``, a top-level ``extensions.code``, or the payload's
error code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shared.auth.principal import Principal
from tests.integration.courses.graphql_app import CoursesApp, courses_app, gid
from tests.integration.courses.test_content import World, make_world

__all__ = ["courses_app"]

ERRORS = "errors { code }"


@dataclass(frozen=True)
class Operation:
    name: str
    document: str
    variables: Callable[[World, str, str], dict[str, Any]]
    """Variables from the world, the module's and the page's global ids."""


OPERATIONS = (
    Operation(
        "read",
        "query($id: ID!) { module(id: $id) { id items { title } } }",
        lambda world, module, page: {"id": module},
    ),
    Operation(
        "create",
        "mutation($input: ModuleCreateInput!) { moduleCreate(input: $input) { module { id } "
        + ERRORS
        + " } }",
        lambda world, module, page: {
            "input": {"courseId": gid("Course", world.course.id), "title": "New"}
        },
    ),
    Operation(
        "update",
        "mutation($input: ModuleUpdateInput!) { moduleUpdate(input: $input) { module { id } "
        + ERRORS
        + " } }",
        lambda world, module, page: {"input": {"id": module, "title": "Renamed"}},
    ),
    Operation(
        "open to all",
        "mutation($input: ModuleVisibilitySetInput!) { moduleVisibilitySet(input: $input) {"
        " module { id } " + ERRORS + " } }",
        lambda world, module, page: {"input": {"id": module, "allSections": True}},
    ),
    Operation(
        "add page",
        "mutation($input: ModuleItemCreateInput!) { moduleItemCreate(input: $input) {"
        " item { id } " + ERRORS + " } }",
        lambda world, module, page: {
            "input": {"moduleId": module, "kind": "PAGE", "title": "More", "body": "text"}
        },
    ),
    Operation(
        "upload",
        "mutation($input: ContentFileUploadCreateInput!) { contentFileUploadCreate(input: $input)"
        " { upload { objectKey } " + ERRORS + " } }",
        lambda world, module, page: {
            "input": {
                "moduleId": module,
                "fileName": "a.pdf",
                "contentType": "application/pdf",
                "sizeBytes": 10,
            }
        },
    ),
    Operation(
        "complete",
        "mutation($input: ModuleItemIdInput!) { moduleItemComplete(input: $input) {"
        " item { id } " + ERRORS + " } }",
        lambda world, module, page: {"input": {"id": page}},
    ),
    Operation(
        "delete",
        "mutation($input: ModuleIdInput!) { moduleDelete(input: $input) { deletedId "
        + ERRORS
        + " } }",
        lambda world, module, page: {"input": {"id": module}},
    ),
)

U, F, N, OK = "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "OK"
# read, create, update, open to all, add page, upload, complete, delete
TABLE: dict[str | None, tuple[str, ...]] = {
    "head": (OK, OK, OK, OK, OK, OK, "NOT_ENROLLED", OK),
    "teacher_a": (OK, OK, OK, F, OK, OK, "NOT_ENROLLED", OK),
    "teacher_b": (OK, OK, F, F, F, F, "NOT_ENROLLED", F),
    "assistant_a": (OK, F, F, F, F, F, "NOT_ENROLLED", F),
    "student_a": (OK, F, F, F, F, F, OK, F),
    "student_b": (N, F, F, F, F, F, N, F),
    "outsider": (N, F, F, F, F, F, N, F),
    "stranger": (N, N, N, N, N, N, N, N),
    None: (U, U, U, U, U, U, U, U),
}


def _outcome(body: dict[str, Any]) -> str:
    if body.get("errors"):
        codes: set[str] = {error["extensions"]["code"] for error in body["errors"]}
        assert len(codes) == 1, body["errors"]
        return codes.pop()
    [payload] = body["data"].values()
    errors = (payload.get("errors") or []) if isinstance(payload, dict) else []
    code: str = errors[0]["code"] if errors else OK
    return code


@pytest.mark.parametrize("who", list(TABLE), ids=[str(who) for who in TABLE])
async def test_content_permission_table(courses_app: CoursesApp, who: str | None) -> None:
    # given a published module for section A with a published page, by its teacher
    world = await make_world(courses_app.service.database)
    created = await courses_app.data(
        OPERATIONS[1].document,
        OPERATIONS[1].variables(world, "", ""),
        as_=world.teacher_a,
    )
    module = created["moduleCreate"]["module"]["id"]
    await courses_app.data(
        "mutation($input: ModuleIdInput!) { modulePublish(input: $input) { module { id } } }",
        {"input": {"id": module}},
        as_=world.teacher_a,
    )
    page_body = await courses_app.data(
        "mutation($input: ModuleItemCreateInput!) { moduleItemCreate(input: $input) {"
        " item { id } } }",
        {
            "input": {
                "moduleId": module,
                "kind": "PAGE",
                "title": "Read me",
                "body": "text",
                "publish": True,
            }
        },
        as_=world.teacher_a,
    )
    page = page_body["moduleItemCreate"]["item"]["id"]
    actor: Principal | None = getattr(world, who) if who else None
    # when the person runs every operation in turn
    outcomes = []
    for operation in OPERATIONS:
        body = await courses_app.post(
            operation.document, operation.variables(world, module, page), as_=actor
        )
        outcomes.append(_outcome(body))
    # then each answers as the table says
    assert dict(zip([op.name for op in OPERATIONS], outcomes, strict=True)) == dict(
        zip([op.name for op in OPERATIONS], TABLE[who], strict=True)
    )
