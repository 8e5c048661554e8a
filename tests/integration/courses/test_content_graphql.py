"""Course content over GraphQL with real tokens, on SQLite and PostgreSQL.

The people and sections are those of :func:`tests.integration.courses.test_content.make_world`:
one course taught in sections A and B, a teacher and a student in each, a
department head, a student of neither section and another college's admin.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.auth.principal import Principal
from tests.factories.courses import make_course
from tests.fixtures.statements import statements_on
from tests.integration.courses.graphql_app import CoursesApp, courses_app, error_codes, gid
from tests.integration.courses.test_content import World, make_world

__all__ = ["courses_app"]

MODULE_FIELDS = """
  id title position status visibleToAllSections locked completed viewerCanManage
  sections { code }
  prerequisites { title }
  items {
    __typename id kind title status locked completed
    ... on PageItem { body }
    ... on LinkItem { url }
    ... on FileItem { fileName sizeBytes contentType downloadUrl }
  }
"""
COURSE_MODULES = "query($id: ID!) { course(id: $id) { code modules {" + MODULE_FIELDS + "} } }"
SECTION_MODULES = "query($id: ID!) { section(id: $id) { code modules { title } } }"
MODULE = "query($id: ID!) { module(id: $id) {" + MODULE_FIELDS + "} }"
ERRORS = "errors { field code message }"
MODULE_CREATE = (
    "mutation($input: ModuleCreateInput!) { moduleCreate(input: $input) {"
    " module { id title visibleToAllSections sections { code } } " + ERRORS + " } }"
)
MODULE_UPDATE = (
    "mutation($input: ModuleUpdateInput!) { moduleUpdate(input: $input) {"
    " module { title } " + ERRORS + " } }"
)
MODULE_PUBLISH = (
    "mutation($input: ModuleIdInput!) { modulePublish(input: $input) {"
    " module { status publishedAt } " + ERRORS + " } }"
)
MODULE_VISIBILITY = (
    "mutation($input: ModuleVisibilitySetInput!) { moduleVisibilitySet(input: $input) {"
    " module { visibleToAllSections sections { code } } " + ERRORS + " } }"
)
PREREQUISITES = (
    "mutation($input: ModulePrerequisitesSetInput!) { modulePrerequisitesSet(input: $input) {"
    " module { prerequisites { title } } " + ERRORS + " } }"
)
REORDER = (
    "mutation($input: ModuleReorderInput!) { moduleReorder(input: $input) {"
    " modules { title position } " + ERRORS + " } }"
)
MODULE_DELETE = (
    "mutation($input: ModuleIdInput!) { moduleDelete(input: $input) { deletedId " + ERRORS + " } }"
)
ITEM_CREATE = (
    "mutation($input: ModuleItemCreateInput!) { moduleItemCreate(input: $input) {"
    " item { id kind title status ... on PageItem { body } ... on LinkItem { url } } "
    + ERRORS
    + " } }"
)
ITEM_UPDATE = (
    "mutation($input: ModuleItemUpdateInput!) { moduleItemUpdate(input: $input) {"
    " item { title ... on PageItem { body } } " + ERRORS + " } }"
)
ITEM_PUBLISH = (
    "mutation($input: ModuleItemIdInput!) { moduleItemPublish(input: $input) {"
    " item { status } " + ERRORS + " } }"
)
ITEM_REORDER = (
    "mutation($input: ModuleItemReorderInput!) { moduleItemReorder(input: $input) {"
    " items { title position } " + ERRORS + " } }"
)
ITEM_DELETE = (
    "mutation($input: ModuleItemIdInput!) { moduleItemDelete(input: $input) {"
    " deletedId " + ERRORS + " } }"
)
ITEM_COMPLETE = (
    "mutation($input: ModuleItemIdInput!) { moduleItemComplete(input: $input) {"
    " item { completed locked } " + ERRORS + " } }"
)


async def _mutate(
    app: CoursesApp, query: str, variables: dict[str, Any], as_: Principal
) -> dict[str, Any]:
    """The payload of a one-mutation document, which must have no top-level errors."""
    data = await app.data(query, {"input": variables}, as_=as_)
    [payload] = data.values()
    result: dict[str, Any] = payload
    return result


async def _module(
    app: CoursesApp,
    world: World,
    as_: Principal,
    title: str,
    *,
    sections: list[str] | None = None,
    publish: bool = True,
) -> str:
    """A module of the world's course made by ``as_``; its global id."""
    variables: dict[str, Any] = {"courseId": gid("Course", world.course.id), "title": title}
    if sections is not None:
        variables["sectionIds"] = [gid("Section", section) for section in sections]
    payload = await _mutate(app, MODULE_CREATE, variables, as_)
    assert payload["errors"] == []
    module_id: str = payload["module"]["id"]
    if publish:
        published = await _mutate(app, MODULE_PUBLISH, {"id": module_id}, as_)
        assert published["module"]["status"] == "PUBLISHED"
    return module_id


async def _page(
    app: CoursesApp, as_: Principal, module_id: str, title: str = "Notes", *, publish: bool = True
) -> str:
    payload = await _mutate(
        app,
        ITEM_CREATE,
        {"moduleId": module_id, "kind": "PAGE", "title": title, "body": "# Hi", "publish": publish},
        as_,
    )
    assert payload["errors"] == []
    item_id: str = payload["item"]["id"]
    return item_id


async def _modules_seen(app: CoursesApp, world: World, as_: Principal) -> list[dict[str, Any]]:
    data = await app.data(COURSE_MODULES, {"id": gid("Course", world.course.id)}, as_=as_)
    modules: list[dict[str, Any]] = data["course"]["modules"]
    return modules


async def test_a_teacher_builds_a_module_and_their_students_read_it(
    courses_app: CoursesApp,
) -> None:
    # given a course taught in sections A and B
    world = await make_world(courses_app.service.database)
    # when the teacher of A creates a module with a page, a link and a draft page, and publishes it
    created = await _mutate(
        courses_app,
        MODULE_CREATE,
        {"courseId": gid("Course", world.course.id), "title": "Week 1"},
        world.teacher_a,
    )
    module = created["module"]
    assert created["errors"] == []
    assert (module["visibleToAllSections"], module["sections"]) == (False, [{"code": "A"}])
    await _page(courses_app, world.teacher_a, module["id"])
    link = await _mutate(
        courses_app,
        ITEM_CREATE,
        {
            "moduleId": module["id"],
            "kind": "LINK",
            "title": "Docs",
            "url": "https://docs.python.org/3/",
            "publish": True,
        },
        world.teacher_a,
    )
    assert link["item"]["url"] == "https://docs.python.org/3/"
    draft = await _mutate(
        courses_app,
        ITEM_CREATE,
        {"moduleId": module["id"], "kind": "PAGE", "title": "Draft", "body": "later"},
        world.teacher_a,
    )
    assert draft["item"]["status"] == "DRAFT"
    await _mutate(courses_app, MODULE_PUBLISH, {"id": module["id"]}, world.teacher_a)
    # then the student of A reads the module and its published items through the course
    [seen] = await _modules_seen(courses_app, world, world.student_a)
    assert (seen["title"], seen["status"], seen["locked"]) == ("Week 1", "PUBLISHED", False)
    assert seen["viewerCanManage"] is False
    assert [(i["__typename"], i["title"]) for i in seen["items"]] == [
        ("PageItem", "Notes"),
        ("LinkItem", "Docs"),
    ]
    assert seen["items"][0]["body"] == "# Hi"
    # and through their section, and by id
    section = await courses_app.data(
        SECTION_MODULES, {"id": gid("Section", world.a.id)}, as_=world.student_a
    )
    assert section["section"]["modules"] == [{"title": "Week 1"}]
    by_id = await courses_app.data(MODULE, {"id": module["id"]}, as_=world.student_a)
    assert by_id["module"]["title"] == "Week 1"
    # and the student of B sees nothing, by course, and NOT_FOUND by id
    assert await _modules_seen(courses_app, world, world.student_b) == []
    missing = await courses_app.post(MODULE, {"id": module["id"]}, as_=world.student_b)
    assert error_codes(missing) == ["NOT_FOUND"]
    # and the teacher sees the draft too
    [staff] = await _modules_seen(courses_app, world, world.teacher_a)
    assert [i["status"] for i in staff["items"]] == ["PUBLISHED", "PUBLISHED", "DRAFT"]
    assert staff["viewerCanManage"] is True


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("teacher_a", "OK"),
        ("head", "OK"),
        ("teacher_b", "FORBIDDEN"),
        ("assistant_a", "FORBIDDEN"),
        ("student_a", "FORBIDDEN"),
        ("stranger", "NOT_FOUND"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_who_may_change_a_module_of_section_a(
    courses_app: CoursesApp, who: str | None, outcome: str
) -> None:
    # given a module for section A with a page, made by its teacher
    world = await make_world(courses_app.service.database)
    module_id = await _module(courses_app, world, world.teacher_a, "Week 1", publish=False)
    page_id = await _page(courses_app, world.teacher_a, module_id, publish=False)
    actor = getattr(world, who) if who else None
    # when someone renames the module and publishes the page
    rename = await courses_app.post(
        MODULE_UPDATE, {"input": {"id": module_id, "title": "Renamed"}}, as_=actor
    )
    publish = await courses_app.post(ITEM_PUBLISH, {"input": {"id": page_id}}, as_=actor)
    # then the outcome is the role's, and a refusal changes nothing
    if outcome == "OK":
        assert rename["data"]["moduleUpdate"]["module"]["title"] == "Renamed"
        assert publish["data"]["moduleItemPublish"]["item"]["status"] == "PUBLISHED"
    else:
        assert error_codes(rename) == [outcome]
        assert error_codes(publish) == [outcome]
        [module] = await _modules_seen(courses_app, world, world.head)
        assert module["title"] == "Week 1"
        assert module["items"][0]["status"] == "DRAFT"


async def test_a_teacher_gives_modules_only_to_sections_they_teach(
    courses_app: CoursesApp,
) -> None:
    # given a course with sections A and B
    world = await make_world(courses_app.service.database)
    a, b = gid("Section", world.a.id), gid("Section", world.b.id)
    course = gid("Course", world.course.id)
    # when the teacher of A creates a module for B, or makes theirs visible to all
    for_b = await courses_app.post(
        MODULE_CREATE,
        {"input": {"courseId": course, "title": "B", "sectionIds": [b]}},
        as_=world.teacher_a,
    )
    module_id = await _module(courses_app, world, world.teacher_a, "Mine", sections=[world.a.id])
    to_all = await courses_app.post(
        MODULE_VISIBILITY, {"input": {"id": module_id, "allSections": True}}, as_=world.teacher_a
    )
    # then both are forbidden
    assert error_codes(for_b) == ["FORBIDDEN"]
    assert error_codes(to_all) == ["FORBIDDEN"]
    # and the head may open it to every section, then the student of B sees it
    opened = await _mutate(
        courses_app, MODULE_VISIBILITY, {"id": module_id, "allSections": True}, world.head
    )
    assert opened["module"] == {"visibleToAllSections": True, "sections": []}
    assert [m["title"] for m in await _modules_seen(courses_app, world, world.student_b)] == [
        "Mine"
    ]
    # and a section of another course is UNKNOWN_SECTION in the payload
    narrowed = await _mutate(
        courses_app,
        MODULE_VISIBILITY,
        {"id": module_id, "allSections": False, "sectionIds": [a, gid("Section", world.course.id)]},
        world.head,
    )
    assert [(e["field"], e["code"]) for e in narrowed["errors"]] == [
        ("sectionIds", "UNKNOWN_SECTION")
    ]


async def test_prerequisites_lock_content_until_the_student_completes_them(
    courses_app: CoursesApp,
) -> None:
    # given module Two requiring module One, each with a published page
    world = await make_world(courses_app.service.database)
    one = await _module(courses_app, world, world.head, "One")
    two = await _module(courses_app, world, world.head, "Two")
    page_one = await _page(courses_app, world.head, one, "Intro")
    page_two = await _page(courses_app, world.head, two, "Next")
    set_ = await _mutate(
        courses_app, PREREQUISITES, {"id": two, "requiredModuleIds": [one]}, world.head
    )
    assert set_["module"]["prerequisites"] == [{"title": "One"}]
    # when the student looks, Two is locked: its page shows no body and cannot be completed
    modules = await _modules_seen(courses_app, world, world.student_a)
    assert [(m["title"], m["locked"]) for m in modules] == [("One", False), ("Two", True)]
    assert modules[1]["items"][0] == {
        "__typename": "PageItem",
        "id": page_two,
        "kind": "PAGE",
        "title": "Next",
        "status": "PUBLISHED",
        "locked": True,
        "completed": False,
        "body": None,
    }
    refused = await _mutate(courses_app, ITEM_COMPLETE, {"id": page_two}, world.student_a)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("itemId", "MODULE_LOCKED")]
    # when the student completes One's page
    done = await _mutate(courses_app, ITEM_COMPLETE, {"id": page_one}, world.student_a)
    assert done["item"] == {"completed": True, "locked": False}
    # then Two opens with its body
    modules = await _modules_seen(courses_app, world, world.student_a)
    assert [(m["title"], m["locked"], m["completed"]) for m in modules] == [
        ("One", False, True),
        ("Two", False, False),
    ]
    assert modules[1]["items"][0]["body"] == "# Hi"
    # and a cycle is refused in the payload
    cycle = await _mutate(
        courses_app, PREREQUISITES, {"id": one, "requiredModuleIds": [two]}, world.head
    )
    assert [(e["field"], e["code"]) for e in cycle["errors"]] == [
        ("requiredModuleIds", "PREREQUISITE_CYCLE")
    ]
    assert cycle["module"] is None


async def test_bad_item_input_comes_back_as_payload_errors(courses_app: CoursesApp) -> None:
    # given a module
    world = await make_world(courses_app.service.database)
    module_id = await _module(courses_app, world, world.head, "Week 1")
    # when items with bad values are created or changed
    cases = [
        ({"kind": "PAGE", "title": "Big", "body": "x" * 100_001}, ("body", "PAGE_TOO_LONG")),
        ({"kind": "LINK", "title": "Bad", "url": "javascript:alert(1)"}, ("url", "INVALID_URL")),
        ({"kind": "FILE", "title": "File"}, ("kind", "WRONG_ITEM_KIND")),
        ({"kind": "PAGE", "title": "   "}, ("title", "INVALID_NAME")),
    ]
    for values, expected in cases:
        payload = await _mutate(
            courses_app, ITEM_CREATE, {"moduleId": module_id, **values}, world.head
        )
        # then each is an error naming its field, and nothing is created
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [expected]
        assert payload["item"] is None
    [module] = await _modules_seen(courses_app, world, world.head)
    assert module["items"] == []
    page_id = await _page(courses_app, world.head, module_id)
    wrong = await _mutate(
        courses_app, ITEM_UPDATE, {"id": page_id, "url": "https://a.org"}, world.head
    )
    assert [(e["field"], e["code"]) for e in wrong["errors"]] == [("url", "WRONG_ITEM_KIND")]


async def test_reorder_and_delete_modules_and_items(courses_app: CoursesApp) -> None:
    # given two modules, the first with two pages
    world = await make_world(courses_app.service.database)
    one = await _module(courses_app, world, world.head, "One")
    two = await _module(courses_app, world, world.head, "Two")
    first = await _page(courses_app, world.head, one, "First")
    second = await _page(courses_app, world.head, one, "Second")
    # when the modules and the pages swap places
    modules = await _mutate(
        courses_app,
        REORDER,
        {"courseId": gid("Course", world.course.id), "moduleIds": [two, one]},
        world.head,
    )
    pages = await _mutate(
        courses_app, ITEM_REORDER, {"moduleId": one, "itemIds": [second, first]}, world.head
    )
    # then the new orders come back
    assert modules["modules"] == [
        {"title": "Two", "position": 1},
        {"title": "One", "position": 2},
    ]
    assert pages["items"] == [
        {"title": "Second", "position": 1},
        {"title": "First", "position": 2},
    ]
    # when a page and then module Two are deleted
    deleted_item = await _mutate(courses_app, ITEM_DELETE, {"id": first}, world.head)
    deleted = await _mutate(courses_app, MODULE_DELETE, {"id": two}, world.head)
    # then their ids come back and only module One with one page is left
    assert deleted_item["deletedId"] == first
    assert deleted["deletedId"] == two
    [left] = await _modules_seen(courses_app, world, world.head)
    assert (left["title"], [i["title"] for i in left["items"]]) == ("One", ["Second"])


async def test_another_college_sees_no_modules(courses_app: CoursesApp) -> None:
    # given a published module of a college
    world = await make_world(courses_app.service.database)
    module_id = await _module(courses_app, world, world.head, "Week 1")
    # when another college's admin asks for it by id
    body = await courses_app.post(MODULE, {"id": module_id}, as_=world.stranger)
    # then it does not exist
    assert error_codes(body) == ["NOT_FOUND"]
    assert body["data"] is None


async def test_modules_of_many_courses_cost_a_fixed_number_of_statements(
    courses_app: CoursesApp,
) -> None:
    # given one course with a module, listed with its modules
    world = await make_world(courses_app.service.database)
    only = await _module(courses_app, world, world.head, "Only one course")
    await _page(courses_app, world.head, only)
    query = "{ courses(first: 10) { nodes { code modules { title items { title } } } } }"
    with statements_on(courses_app.service.database) as few:
        await courses_app.data(query, as_=world.head)
    # and three more courses, each with two modules of two pages
    async with courses_app.service.database.transaction() as session:
        extra = [await make_course(session, college_id=world.college) for _ in range(3)]
    for course in extra:
        for title in ("A", "B"):
            payload = await _mutate(
                courses_app,
                MODULE_CREATE,
                {"courseId": gid("Course", course.id), "title": title},
                world.head,
            )
            await _page(courses_app, world.head, payload["module"]["id"])
            await _page(courses_app, world.head, payload["module"]["id"])
    # when the same query lists four courses
    with statements_on(courses_app.service.database) as many:
        data = await courses_app.data(query, as_=world.head)
    # then every course has its modules, for the same number of statements as one course
    assert sum(len(c["modules"]) for c in data["courses"]["nodes"]) == 7
    assert len(many) == len(few)
