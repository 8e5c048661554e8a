"""A small federation subgraph built with the shared helpers, executed end to end."""

from __future__ import annotations

import logging
from enum import Enum

import pytest
import strawberry

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, DomainError, DomainErrors, NotFoundError
from shared.graphql import document_cache
from shared.graphql.context import RequestContext, require_principal
from shared.graphql.mutations import check_list_size, mutate, user_error_type
from shared.graphql.permissions import (
    HasPermission,
    IsAuthenticated,
    permission_field_description,
)
from shared.graphql.relay import Connection, from_global_id, paginate_list, to_global_id
from shared.graphql.schema import build_subgraph_schema, print_sdl

COURSES = {str(i): f"Course {i}" for i in range(1, 8)}
created: list[str] = []


@strawberry.federation.type(keys=["id"], description="A course.")
class Course:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Course:
        return Course(id=id, title=COURSES[str(id)])

    @strawberry.field(
        permission_classes=[HasPermission("course:grade")],
        description=permission_field_description("Secret grade notes.", "course:grade"),
    )
    def grading_notes(self) -> str:
        return f"notes for {self.id}"


class CourseErrorCode(Enum):
    CODE_TAKEN = "code_taken"
    TITLE_TOO_SHORT = "title_too_short"


CourseError = user_error_type("CourseError", CourseErrorCode, indexed=True)


@strawberry.input
class CourseCreateInput:
    titles: list[str]


@strawberry.type
class CourseCreatePayload:
    courses: list[Course] | None
    errors: list[CourseError]  # type: ignore[valid-type]


async def course_create_service(titles: list[str]) -> list[Course]:
    problems = [
        DomainError(CourseErrorCode.TITLE_TOO_SHORT, "Title is too short.", "titles", index=i)
        for i, title in enumerate(titles)
        if len(title) < 3
    ]
    if "taken" in titles:
        raise DomainError("CODE_TAKEN", "That code is taken.", "titles")
    if problems:
        raise DomainErrors(problems)
    if "boom" in titles:
        raise RuntimeError("database password is hunter2")
    created.extend(titles)
    return [Course(id=strawberry.ID(str(100 + i)), title=t) for i, t in enumerate(titles)]


@strawberry.type
class Query:
    @strawberry.field
    def courses(self, first: int | None = None, after: str | None = None) -> Connection[Course]:
        items = [Course(id=strawberry.ID(k), title=v) for k, v in COURSES.items()]
        return Connection.from_page(paginate_list(items, first=first, after=after))

    @strawberry.field
    def course(self, id: strawberry.ID) -> Course:
        local = from_global_id(id, expected_type="Course", field="id")
        if local not in COURSES:
            raise NotFoundError(f"No course {id}.")
        return Course(id=strawberry.ID(local), title=COURSES[local])

    @strawberry.field(permission_classes=[IsAuthenticated])
    def me(self, info: strawberry.Info) -> str:
        return require_principal(info).user_id or ""

    @strawberry.field
    def broken(self) -> str:
        raise ZeroDivisionError("secret internals")

    @strawberry.field
    def validated(self, code: str) -> str:
        raise DomainError(CourseErrorCode.CODE_TAKEN, f"Code {code} is taken.", "code")


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[HasPermission("course:create")])
    async def course_create(self, input: CourseCreateInput) -> CourseCreatePayload:
        check_list_size(input.titles, field="titles", limit=3)
        return await mutate(
            CourseCreatePayload,
            lambda: course_create_service(input.titles),
            error_type=CourseError,
        )


schema = build_subgraph_schema(query=Query, mutation=Mutation)

ADMIN = Principal(user_id="u1", college_id="c1", permissions=frozenset({"course:*"}))
STUDENT = Principal(user_id="u2", college_id="c1", permissions=frozenset({"course:read"}))


def context(principal: Principal | None = None) -> RequestContext:
    return RequestContext(principal=principal)


def codes(result: strawberry.types.ExecutionResult) -> list[str]:
    return [e.extensions["code"] for e in result.errors or [] if e.extensions]


async def test_sdl_is_federation_v2_with_key_and_service_field() -> None:
    sdl = print_sdl(schema)
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    assert 'type Course @key(fields: "id")' in sdl
    assert "Requires permission: `course:grade`." in sdl
    result = await schema.execute("{ _service { sdl } }", context_value=context())
    assert result.errors is None
    assert result.data is not None
    assert result.data["_service"]["sdl"] == sdl


async def test_entities_resolve_by_key() -> None:
    query = (
        'query { _entities(representations: [{__typename: "Course", id: "2"}]) '
        "{ ... on Course { id title } } }"
    )
    result = await schema.execute(query, context_value=context())
    assert result.errors is None
    assert result.data == {"_entities": [{"id": "2", "title": "Course 2"}]}


async def test_connection_pages_through_a_list() -> None:
    query = (
        "query($after: String) { courses(first: 3, after: $after) { totalCount "
        "edges { cursor node { id } } nodes { title } "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )
    seen: list[str] = []
    after = None
    while True:
        result = await schema.execute(query, {"after": after}, context_value=context())
        assert result.errors is None
        assert result.data is not None
        page = result.data["courses"]
        assert page["totalCount"] == 7
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [str(i) for i in range(1, 8)]


async def test_page_size_over_the_cap_is_bad_user_input() -> None:
    result = await schema.execute("{ courses(first: 101) { totalCount } }", context_value=context())
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result.errors is not None
    assert "at most 100" in result.errors[0].message


async def test_global_id_errors_have_codes() -> None:
    good = to_global_id("Course", "3")
    wrong_type = to_global_id("User", "3")
    result = await schema.execute(
        f'{{ a: course(id: "{good}") {{ title }} }}', context_value=context()
    )
    assert result.data == {"a": {"title": "Course 3"}}
    result = await schema.execute('{ course(id: "%%%") { title } }', context_value=context())
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "id"}
    result = await schema.execute(
        f'{{ course(id: "{wrong_type}") {{ title }} }}', context_value=context()
    )
    assert codes(result) == ["NOT_FOUND"]
    missing = to_global_id("Course", "999")
    result = await schema.execute(
        f'{{ course(id: "{missing}") {{ title }} }}', context_value=context()
    )
    assert codes(result) == ["NOT_FOUND"]


async def test_is_authenticated_rejects_anonymous_callers() -> None:
    result = await schema.execute("{ me }", context_value=context())
    assert codes(result) == ["UNAUTHENTICATED"]
    assert result.data is None
    result = await schema.execute("{ me }", context_value=context(STUDENT))
    assert result.errors is None
    assert result.data == {"me": "u2"}


async def test_has_permission_guards_a_field() -> None:
    gid = to_global_id("Course", "1")
    query = f'{{ course(id: "{gid}") {{ id gradingNotes }} }}'
    result = await schema.execute(query, context_value=context(STUDENT))
    assert codes(result) == ["FORBIDDEN"]
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "FORBIDDEN", "permission": "course:grade"}
    assert result.errors[0].path == ["course", "gradingNotes"]
    result = await schema.execute(query, context_value=context())
    assert codes(result) == ["UNAUTHENTICATED"]
    result = await schema.execute(query, context_value=context(ADMIN))
    assert result.errors is None
    assert result.data == {"course": {"id": "1", "gradingNotes": "notes for 1"}}


async def test_dict_context_with_principal_works_too() -> None:
    result = await schema.execute("{ me }", context_value={"principal": ADMIN})
    assert result.data == {"me": "u1"}


async def test_invalid_credentials_reject_the_whole_operation() -> None:
    ctx = RequestContext(credentials_error=AuthenticationError("Token has expired."))
    result = await schema.execute("{ courses { totalCount } }", context_value=ctx)
    assert result.data is None
    assert codes(result) == ["UNAUTHENTICATED"]
    assert result.errors is not None
    assert result.errors[0].message == "Token has expired."


async def test_unexpected_errors_are_masked_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="shared.graphql.errors"):
        result = await schema.execute("{ broken }", context_value=context())
    assert result.errors is not None
    assert result.errors[0].message == "Internal server error"
    assert result.errors[0].extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert result.errors[0].path == ["broken"]
    assert "secret internals" not in str(result.errors[0].formatted)
    logged = [r for r in caplog.records if r.name == "shared.graphql.errors"]
    assert len(logged) == 1
    assert logged[0].levelno == logging.ERROR
    assert logged[0].exc_info is not None
    assert logged[0].exc_info[0] is ZeroDivisionError


async def test_expected_errors_are_logged_quietly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="shared.graphql.errors"):
        await schema.execute("{ me }", context_value=context())
    assert caplog.records
    assert all(r.levelno == logging.DEBUG for r in caplog.records)
    assert {r.name for r in caplog.records} == {"shared.graphql.errors.expected"}


async def test_domain_error_in_a_query_is_bad_user_input() -> None:
    result = await schema.execute('{ validated(code: "X1") }', context_value=context())
    assert result.errors is not None
    assert result.errors[0].message == "Code X1 is taken."
    assert result.errors[0].extensions == {
        "code": "BAD_USER_INPUT",
        "errorCode": "CODE_TAKEN",
        "field": "code",
    }


async def test_parse_and_validation_errors_keep_their_codes() -> None:
    result = await schema.execute("{ courses(", context_value=context())
    assert codes(result) == ["GRAPHQL_PARSE_FAILED"]
    result = await schema.execute("{ nope }", context_value=context())
    assert codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    result = await schema.execute(
        "query($n: Int) { courses(first: $n) { totalCount } }",
        {"n": "many"},
        context_value=context(),
    )
    assert codes(result) == ["BAD_USER_INPUT"]


MUTATION = """
mutation($titles: [String!]!) {
  courseCreate(input: {titles: $titles}) {
    courses { title }
    errors { field code message index }
  }
}
"""


async def test_mutation_returns_the_object_on_success() -> None:
    result = await schema.execute(MUTATION, {"titles": ["Algebra"]}, context_value=context(ADMIN))
    assert result.errors is None
    assert result.data == {"courseCreate": {"courses": [{"title": "Algebra"}], "errors": []}}


async def test_domain_errors_become_payload_errors_with_index() -> None:
    created.clear()
    result = await schema.execute(
        MUTATION, {"titles": ["Algebra", "x", "yy"]}, context_value=context(ADMIN)
    )
    assert result.errors is None
    assert result.data == {
        "courseCreate": {
            "courses": None,
            "errors": [
                {"field": "titles", "code": "TITLE_TOO_SHORT", "message": "Title is too short.",
                 "index": 1},
                {"field": "titles", "code": "TITLE_TOO_SHORT", "message": "Title is too short.",
                 "index": 2},
            ],
        }
    }  # fmt: skip
    assert created == []
    result = await schema.execute(MUTATION, {"titles": ["taken"]}, context_value=context(ADMIN))
    assert result.data is not None
    assert result.data["courseCreate"]["errors"][0]["code"] == "CODE_TAKEN"


async def test_mutation_permission_and_list_cap_are_top_level_errors() -> None:
    result = await schema.execute(MUTATION, {"titles": ["Algebra"]}, context_value=context(STUDENT))
    assert codes(result) == ["FORBIDDEN"]
    assert result.data is None
    result = await schema.execute(
        MUTATION, {"titles": ["aaa", "bbb", "ccc", "ddd"]}, context_value=context(ADMIN)
    )
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "titles"}
    assert "at most 3 items (got 4)" in result.errors[0].message


async def test_unexpected_error_in_a_mutation_is_masked() -> None:
    result = await schema.execute(MUTATION, {"titles": ["boom"]}, context_value=context(ADMIN))
    assert codes(result) == ["INTERNAL_SERVER_ERROR"]
    assert result.errors is not None
    assert "hunter2" not in result.errors[0].message


async def test_each_operation_text_is_parsed_once_and_a_broken_one_still_fails_with_its_code() -> (
    None
):
    # given an operation text the schema has not seen
    query = "{ courses(first: 2) { totalCount } } # parsed once"
    before = document_cache._parsed.cache_info()
    # when it is executed three times
    results = [await schema.execute(query, context_value=context()) for _ in range(3)]
    # then every answer is the same, and the text was parsed only the first time
    assert all(r.errors is None and r.data == results[0].data for r in results)
    after = document_cache._parsed.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)
    # and a text that does not parse is reported as before, twice
    for _ in range(2):
        broken = await schema.execute("{ courses(", context_value=context())
        assert codes(broken) == ["GRAPHQL_PARSE_FAILED"]
