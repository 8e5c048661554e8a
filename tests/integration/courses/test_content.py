"""Course content: modules and items, who manages them, who sees them, prerequisite locks.

The college of every test has one course taught in two sections, A and B:
``teacher_a`` teaches A, ``teacher_b`` teaches B, ``student_a`` and
``student_b`` hold seats in them, ``outsider`` is a student of the college
in neither, ``head`` is a department head (``section:manage``), and
``stranger`` is a college admin of another college. Roles carry their
built-in permissions from identity's catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.courses.content import items, modules, progress, viewing
from subgraphs.courses.content.models import (
    ContentStatus,
    CourseModule,
    ItemCompletion,
    ModuleItem,
    ModulePrerequisite,
)
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Course, MemberRole, Section, SectionMember, new_id
from subgraphs.identity.permissions import (
    COLLEGE_ADMIN,
    DEPARTMENT_HEAD,
    STUDENT,
    TEACHER,
    TEACHING_ASSISTANT,
    builtin_role,
)
from tests.factories.courses import make_course, make_term, outbox_events


def person(college_id: str, role: str) -> Principal:
    """A user of ``college_id`` holding the built-in ``role``'s permissions."""
    found = builtin_role(role)
    assert found is not None
    return Principal(
        user_id=new_id(),
        college_id=college_id,
        roles=frozenset({role}),
        permissions=found.permissions,
    )


@dataclass(frozen=True)
class World:
    college: str
    course: Course
    a: Section
    b: Section
    teacher_a: Principal
    teacher_b: Principal
    assistant_a: Principal
    student_a: Principal
    student_b: Principal
    outsider: Principal
    head: Principal
    stranger: Principal


async def make_world(database: Database) -> World:
    """One course of a fresh college, sections A and B with their staff and students."""
    college = new_id()
    people = {
        "teacher_a": person(college, TEACHER),
        "teacher_b": person(college, TEACHER),
        "assistant_a": person(college, TEACHING_ASSISTANT),
        "student_a": person(college, STUDENT),
        "student_b": person(college, STUDENT),
        "outsider": person(college, STUDENT),
        "head": person(college, DEPARTMENT_HEAD),
        "stranger": person(new_id(), COLLEGE_ADMIN),
    }
    async with database.transaction() as session:
        course = await make_course(session, college_id=college)
        term = await make_term(session, college_id=college)
        a, b = (
            Section(
                college_id=college, course_id=course.id, term_id=term.id, code=code, capacity=30
            )
            for code in ("A", "B")
        )
        session.add_all([a, b])
        await session.flush()
        memberships = [
            (a, "teacher_a", MemberRole.INSTRUCTOR),
            (b, "teacher_b", MemberRole.INSTRUCTOR),
            (a, "assistant_a", MemberRole.TEACHING_ASSISTANT),
            (a, "student_a", MemberRole.STUDENT),
            (b, "student_b", MemberRole.STUDENT),
        ]
        for section, who, role in memberships:
            user_id = people[who].user_id
            assert user_id is not None
            session.add(SectionMember(section_id=section.id, user_id=user_id, role=role))
    return World(college=college, course=course, a=a, b=b, **people)


async def new_module(
    database: Database,
    actor: Principal,
    course_id: str,
    title: str = "Week 1",
    *,
    section_ids: list[str] | None = None,
    publish: bool = False,
) -> CourseModule:
    async with database.transaction() as session:
        module = await modules.create_module(
            session, actor=actor, course_id=course_id, title=title, section_ids=section_ids
        )
        if publish:
            await modules.set_module_published(
                session, actor=actor, module_id=module.id, published=True
            )
    return module


async def new_page(
    database: Database, actor: Principal, module_id: str, *, publish: bool = True
) -> ModuleItem:
    async with database.transaction() as session:
        return await items.create_page_item(
            session,
            actor=actor,
            module_id=module_id,
            title="Reading",
            body="# Notes\nRead chapter 1.",
            publish=publish,
        )


async def seen(database: Database, actor: Principal, course_id: str) -> list[viewing.ModuleView]:
    async with database.session() as session:
        views = await viewing.modules_of_courses(session, actor=actor, course_ids=[course_id])
    return views[course_id]


async def count(database: Database, model: type) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# -- managing -------------------------------------------------------------------------------
async def test_a_head_creates_a_module_for_every_section(courses_db: Database) -> None:
    # given a course with two sections
    world = await make_world(courses_db)
    # when the department head creates two modules
    first = await new_module(courses_db, world.head, world.course.id, "  Week   1 ")
    second = await new_module(courses_db, world.head, world.course.id, "Week 2")
    # then they are drafts visible to every section, one after the other, announced
    assert (first.title, first.position, first.visible_to_all) == ("Week 1", 1, True)
    assert second.position == 2
    assert first.status is ContentStatus.DRAFT
    async with courses_db.session() as session:
        created = await outbox_events(session, "course.module_created")
    assert [event.subject for event in created] == [first.id, second.id]
    assert created[0].tenant == world.college
    assert created[0].data == {
        "course_id": world.course.id,
        "title": "Week 1",
        "position": 1,
        "visible_to_all": True,
        "section_ids": [],
        "actor_id": world.head.user_id,
    }


async def test_a_teacher_creates_modules_for_the_sections_they_teach(courses_db: Database) -> None:
    # given a teacher of section A only
    world = await make_world(courses_db)
    # when they create a module without naming sections
    module = await new_module(courses_db, world.teacher_a, world.course.id)
    # then it is visible to section A only
    view = (await seen(courses_db, world.teacher_a, world.course.id))[0]
    assert module.visible_to_all is False
    assert view.section_ids == (world.a.id,)
    assert view.can_manage is True


async def test_a_teacher_may_not_give_a_module_to_a_section_they_do_not_teach(
    courses_db: Database,
) -> None:
    # given a teacher of section A
    world = await make_world(courses_db)
    # when they create a module for section B
    # then it is forbidden and nothing is written
    with pytest.raises(PermissionDenied):
        await new_module(courses_db, world.teacher_a, world.course.id, section_ids=[world.b.id])
    assert await count(courses_db, CourseModule) == 0
    # and when they make their own module visible to every section, the same
    module = await new_module(courses_db, world.teacher_a, world.course.id)
    async with courses_db.transaction() as session:
        with pytest.raises(PermissionDenied):
            await modules.set_visibility(
                session, actor=world.teacher_a, module_id=module.id, section_ids=None
            )
    [view] = await seen(courses_db, world.head, world.course.id)
    assert view.section_ids == (world.a.id,)


async def test_a_module_seen_by_a_section_the_teacher_does_not_teach_is_not_theirs(
    courses_db: Database,
) -> None:
    # given modules for section B and for every section, made by the head
    world = await make_world(courses_db)
    for_b = await new_module(courses_db, world.head, world.course.id, section_ids=[world.b.id])
    for_all = await new_module(courses_db, world.head, world.course.id)
    # when the teacher of A renames them, it is forbidden
    for module in (for_b, for_all):
        async with courses_db.transaction() as session:
            with pytest.raises(PermissionDenied):
                await modules.update_module(
                    session, actor=world.teacher_a, module_id=module.id, title="Mine"
                )
    # then the teacher of B may change the one for B
    async with courses_db.transaction() as session:
        renamed = await modules.update_module(
            session, actor=world.teacher_b, module_id=for_b.id, title="Week B"
        )
    assert renamed.title == "Week B"
    # and a teaching assistant (no content:manage) changes nothing
    async with courses_db.transaction() as session:
        with pytest.raises(PermissionDenied):
            await modules.update_module(
                session, actor=world.assistant_a, module_id=for_b.id, title="x"
            )


async def test_a_student_manages_nothing(courses_db: Database) -> None:
    # given a student of section A
    world = await make_world(courses_db)
    # when they create a module, it is forbidden
    with pytest.raises(PermissionDenied):
        await new_module(courses_db, world.student_a, world.course.id)
    assert await count(courses_db, CourseModule) == 0


async def test_another_college_sees_and_changes_nothing(courses_db: Database) -> None:
    # given a published module with a page
    world = await make_world(courses_db)
    module = await new_module(courses_db, world.head, world.course.id, publish=True)
    page = await new_page(courses_db, world.head, module.id)
    # when another college's admin reads or changes it, it does not exist
    assert await seen(courses_db, world.stranger, world.course.id) == []
    async with courses_db.session() as session:
        with pytest.raises(NotFoundError):
            await viewing.get_module_view(session, actor=world.stranger, module_id=module.id)
        with pytest.raises(NotFoundError):
            await viewing.get_item_view(session, actor=world.stranger, item_id=page.id)
    async with courses_db.transaction() as session:
        with pytest.raises(NotFoundError):
            await modules.update_module(
                session, actor=world.stranger, module_id=module.id, title="Taken"
            )
        with pytest.raises(NotFoundError):
            await items.update_item(session, actor=world.stranger, item_id=page.id, title="x")
        with pytest.raises(NotFoundError):
            await modules.create_module(
                session, actor=world.stranger, course_id=world.course.id, title="x"
            )


# -- reading --------------------------------------------------------------------------------
async def test_students_see_published_content_of_their_own_section(courses_db: Database) -> None:
    # given a published module for all with a published page and a draft link,
    # a draft module, and a published module for section B only
    world = await make_world(courses_db)
    shared = await new_module(courses_db, world.head, world.course.id, "Shared", publish=True)
    page = await new_page(courses_db, world.head, shared.id)
    async with courses_db.transaction() as session:
        await items.create_link_item(
            session, actor=world.head, module_id=shared.id, title="Later", url="https://x.org"
        )
    await new_module(courses_db, world.head, world.course.id, "Draft")
    only_b = await new_module(
        courses_db, world.head, world.course.id, "For B", section_ids=[world.b.id], publish=True
    )
    # when each person lists the course's modules
    # then students see published modules of their section, with published items only
    [view_a] = await seen(courses_db, world.student_a, world.course.id)
    assert view_a.module.id == shared.id
    assert [item.item.id for item in view_a.items] == [page.id]
    assert [v.module.title for v in await seen(courses_db, world.student_b, world.course.id)] == [
        "Shared",
        "For B",
    ]
    # and a student of no section sees nothing
    assert await seen(courses_db, world.outsider, world.course.id) == []
    # and teaching staff see everything, managing only what lies within their sections
    staff_view = await seen(courses_db, world.teacher_a, world.course.id)
    assert [v.module.title for v in staff_view] == ["Shared", "Draft", "For B"]
    assert [len(v.items) for v in staff_view] == [2, 0, 0]
    assert [v.can_manage for v in staff_view] == [False, False, False]
    assert [v.can_manage for v in await seen(courses_db, world.teacher_b, world.course.id)] == [
        False,
        False,
        True,
    ]
    # and a module for section B is not found for a student of A
    async with courses_db.session() as session:
        with pytest.raises(NotFoundError):
            await viewing.get_module_view(session, actor=world.student_a, module_id=only_b.id)


async def test_section_modules_are_what_the_section_sees(courses_db: Database) -> None:
    # given published modules for every section and for section B
    world = await make_world(courses_db)
    await new_module(courses_db, world.head, world.course.id, "Shared", publish=True)
    await new_module(
        courses_db, world.head, world.course.id, "For B", section_ids=[world.b.id], publish=True
    )
    # when modules are listed by section
    async with courses_db.session() as session:
        by_head = await viewing.modules_of_sections(
            session, actor=world.head, section_ids=[world.a.id, world.b.id]
        )
        by_student_a = await viewing.modules_of_sections(
            session, actor=world.student_a, section_ids=[world.a.id, world.b.id]
        )
    # then each section has its own, and a student only those of their own section
    assert [v.module.title for v in by_head[world.a.id]] == ["Shared"]
    assert [v.module.title for v in by_head[world.b.id]] == ["Shared", "For B"]
    assert [v.module.title for v in by_student_a[world.a.id]] == ["Shared"]
    assert by_student_a[world.b.id] == []


# -- prerequisites and completion -----------------------------------------------------------
async def test_prerequisites_lock_a_module_until_completed(courses_db: Database) -> None:
    # given module 2 requiring module 1, both published with a published page each
    world = await make_world(courses_db)
    first = await new_module(courses_db, world.head, world.course.id, "One", publish=True)
    second = await new_module(courses_db, world.head, world.course.id, "Two", publish=True)
    page_1 = await new_page(courses_db, world.head, first.id)
    page_2 = await new_page(courses_db, world.head, second.id)
    async with courses_db.transaction() as session:
        await modules.set_prerequisites(
            session, actor=world.head, module_id=second.id, required_module_ids=[first.id]
        )
    # when the student looks, module 2 is locked and its page cannot be completed
    views = await seen(courses_db, world.student_a, world.course.id)
    assert [(v.locked, v.completed) for v in views] == [(False, False), (True, False)]
    assert views[1].items[0].locked is True
    assert views[1].prerequisite_ids == (first.id,)
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await progress.complete_item(session, actor=world.student_a, item_id=page_2.id)
    assert raised.value.error_code is CoursesErrorCode.MODULE_LOCKED
    # when the student completes module 1's page (twice: the second changes nothing)
    for _ in range(2):
        async with courses_db.transaction() as session:
            done = await progress.complete_item(session, actor=world.student_a, item_id=page_1.id)
    # then module 1 is complete and module 2 opens, for that student only
    assert done.completed is True
    views = await seen(courses_db, world.student_a, world.course.id)
    assert [(v.locked, v.completed) for v in views] == [(False, True), (False, False)]
    assert [v.locked for v in await seen(courses_db, world.student_b, world.course.id)] == [
        False,
        True,
    ]
    # and staff never see locks
    assert [v.locked for v in await seen(courses_db, world.teacher_a, world.course.id)] == [
        False,
        False,
    ]
    async with courses_db.session() as session:
        completed = await outbox_events(session, "course.module_item_completed")
    assert [(e.subject, e.data["user_id"]) for e in completed] == [
        (page_1.id, world.student_a.user_id)
    ]


async def test_only_students_who_see_an_item_complete_it(courses_db: Database) -> None:
    # given a published page in a published module for section A
    world = await make_world(courses_db)
    module = await new_module(
        courses_db, world.head, world.course.id, section_ids=[world.a.id], publish=True
    )
    page = await new_page(courses_db, world.head, module.id)
    # when a student of B or the teacher completes it
    async with courses_db.transaction() as session:
        with pytest.raises(NotFoundError):
            await progress.complete_item(session, actor=world.student_b, item_id=page.id)
        with pytest.raises(DomainError) as raised:
            await progress.complete_item(session, actor=world.teacher_a, item_id=page.id)
    # then nothing is recorded
    assert raised.value.error_code is CoursesErrorCode.NOT_ENROLLED
    assert await count(courses_db, ItemCompletion) == 0


async def test_prerequisite_cycles_and_other_courses_are_refused(courses_db: Database) -> None:
    # given modules 1 -> 2 -> 3 (3 requires 2, 2 requires 1), and a module of another course
    world = await make_world(courses_db)
    one, two, three = [
        await new_module(courses_db, world.head, world.course.id, title)
        for title in ("1", "2", "3")
    ]
    async with courses_db.transaction() as session:
        await modules.set_prerequisites(
            session, actor=world.head, module_id=two.id, required_module_ids=[one.id]
        )
        await modules.set_prerequisites(
            session, actor=world.head, module_id=three.id, required_module_ids=[two.id]
        )
        other_course = await make_course(session, college_id=world.college)
    elsewhere = await new_module(courses_db, world.head, other_course.id)
    # when module 1 is made to require 3, or itself, or another course's module
    cases = [([three.id], "PREREQUISITE_CYCLE"), ([one.id], "PREREQUISITE_CYCLE")]
    cases.append(([elsewhere.id], "UNKNOWN_MODULE"))
    for required, code in cases:
        async with courses_db.transaction() as session:
            with pytest.raises(DomainError) as raised:
                await modules.set_prerequisites(
                    session, actor=world.head, module_id=one.id, required_module_ids=required
                )
        assert raised.value.error_code is CoursesErrorCode[code]
    # then only the two prerequisites set before exist
    assert await count(courses_db, ModulePrerequisite) == 2


# -- items ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("page", "x" * (items.MAX_PAGE_CHARS + 1), CoursesErrorCode.PAGE_TOO_LONG),
        ("link", "javascript:alert(1)", CoursesErrorCode.INVALID_URL),
        ("link", "ftp://files.example.org/a", CoursesErrorCode.INVALID_URL),
        ("link", "https://", CoursesErrorCode.INVALID_URL),
        ("link", "https://example.org/" + "a" * 2048, CoursesErrorCode.INVALID_URL),
    ],
)
async def test_bad_pages_and_links_are_refused(
    courses_db: Database, kind: str, value: str, code: CoursesErrorCode
) -> None:
    # given a module
    world = await make_world(courses_db)
    module = await new_module(courses_db, world.head, world.course.id)

    # when a page or link with a bad value is created
    async def create(session: AsyncSession) -> ModuleItem:
        if kind == "page":
            return await items.create_page_item(
                session, actor=world.head, module_id=module.id, title="P", body=value
            )
        return await items.create_link_item(
            session, actor=world.head, module_id=module.id, title="L", url=value
        )

    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await create(session)
    # then it is refused with its code and nothing is written
    assert raised.value.error_code is code
    assert await count(courses_db, ModuleItem) == 0


async def test_items_change_reorder_publish_and_delete(courses_db: Database) -> None:
    # given a module with a page and a link, by the teacher of A
    world = await make_world(courses_db)
    module = await new_module(courses_db, world.teacher_a, world.course.id)
    page = await new_page(courses_db, world.teacher_a, module.id, publish=False)
    async with courses_db.transaction() as session:
        link = await items.create_link_item(
            session,
            actor=world.teacher_a,
            module_id=module.id,
            title="Docs",
            url=" https://docs.python.org/3/ ",
        )
    assert (link.url, link.position) == ("https://docs.python.org/3/", 2)
    # when the page body changes, a URL is given to the page, the order is swapped
    async with courses_db.transaction() as session:
        changed = await items.update_item(
            session, actor=world.teacher_a, item_id=page.id, body="New text"
        )
        assert changed.body == "New text"
        with pytest.raises(DomainError) as raised:
            await items.update_item(
                session, actor=world.teacher_a, item_id=page.id, url="https://a.org"
            )
        assert raised.value.error_code is CoursesErrorCode.WRONG_ITEM_KIND
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await items.reorder_items(
                session, actor=world.teacher_a, module_id=module.id, item_ids=[link.id]
            )
        assert raised.value.error_code is CoursesErrorCode.INVALID_ORDER
    async with courses_db.transaction() as session:
        ordered = await items.reorder_items(
            session, actor=world.teacher_a, module_id=module.id, item_ids=[link.id, page.id]
        )
        await items.set_item_published(
            session, actor=world.teacher_a, item_id=page.id, published=True
        )
    # then the order, the status and the events follow
    assert [(item.id, item.position) for item in ordered] == [(link.id, 1), (page.id, 2)]
    [view] = await seen(courses_db, world.teacher_a, world.course.id)
    assert [(v.item.id, v.item.status) for v in view.items] == [
        (link.id, ContentStatus.DRAFT),
        (page.id, ContentStatus.PUBLISHED),
    ]
    async with courses_db.session() as session:
        updated = await outbox_events(session, "course.module_item_updated")
        published = await outbox_events(session, "course.module_item_published")
    assert [event.data["changed"] for event in updated] == [["body"]]
    assert [event.subject for event in published] == [page.id]
    # and when the teacher deletes the page, only the link is left
    async with courses_db.transaction() as session:
        await items.delete_item(session, actor=world.teacher_a, item_id=page.id)
    assert [v.item.id for v in (await seen(courses_db, world.head, world.course.id))[0].items] == [
        link.id
    ]


async def test_reordering_moves_only_the_listed_modules(courses_db: Database) -> None:
    # given modules 1 (all sections), 2 and 3 (section A, by its teacher)
    world = await make_world(courses_db)
    one = await new_module(courses_db, world.head, world.course.id, "1")
    two = await new_module(courses_db, world.teacher_a, world.course.id, "2")
    three = await new_module(courses_db, world.teacher_a, world.course.id, "3")
    # when the teacher of A swaps their two modules
    async with courses_db.transaction() as session:
        ordered = await modules.reorder_modules(
            session, actor=world.teacher_a, course_id=world.course.id, module_ids=[three.id, two.id]
        )
    # then they trade places and module 1 stays first
    assert [module.title for module in ordered] == ["1", "3", "2"]
    # and moving module 1 (not theirs) is forbidden
    async with courses_db.transaction() as session:
        with pytest.raises(PermissionDenied):
            await modules.reorder_modules(
                session,
                actor=world.teacher_a,
                course_id=world.course.id,
                module_ids=[two.id, one.id],
            )
    assert [v.module.title for v in await seen(courses_db, world.head, world.course.id)] == [
        "1",
        "3",
        "2",
    ]


async def test_deleting_a_module_takes_its_items_and_frees_dependants(
    courses_db: Database,
) -> None:
    # given module 2 requiring module 1, which has a completed page
    world = await make_world(courses_db)
    first = await new_module(courses_db, world.head, world.course.id, "One", publish=True)
    second = await new_module(courses_db, world.head, world.course.id, "Two", publish=True)
    page = await new_page(courses_db, world.head, first.id)
    async with courses_db.transaction() as session:
        await modules.set_prerequisites(
            session, actor=world.head, module_id=second.id, required_module_ids=[first.id]
        )
        await progress.complete_item(session, actor=world.student_a, item_id=page.id)
    # when module 1 is deleted
    async with courses_db.transaction() as session:
        await modules.delete_module(session, actor=world.head, module_id=first.id)
    # then its item, completion and prerequisite go, and module 2 has no lock
    assert await count(courses_db, ModuleItem) == 0
    assert await count(courses_db, ItemCompletion) == 0
    assert await count(courses_db, ModulePrerequisite) == 0
    [view] = await seen(courses_db, world.student_a, world.course.id)
    assert (view.module.id, view.locked) == (second.id, False)
    async with courses_db.session() as session:
        [deleted] = await outbox_events(session, "course.module_deleted")
    assert (deleted.subject, deleted.data["course_id"]) == (first.id, world.course.id)


async def test_unpublishing_hides_a_module_from_students(courses_db: Database) -> None:
    # given a published module with a published page
    world = await make_world(courses_db)
    module = await new_module(courses_db, world.head, world.course.id, publish=True)
    await new_page(courses_db, world.head, module.id)
    assert len(await seen(courses_db, world.student_a, world.course.id)) == 1
    # when it goes back to draft
    async with courses_db.transaction() as session:
        back = await modules.set_module_published(
            session, actor=world.head, module_id=module.id, published=False
        )
    # then students no longer see it, and both changes were announced
    assert (back.status, back.published_at) == (ContentStatus.DRAFT, None)
    assert await seen(courses_db, world.student_a, world.course.id) == []
    async with courses_db.session() as session:
        kinds = [
            event.type
            for event in await outbox_events(session)
            if event.type.startswith("course.module_") and event.type.endswith("published")
        ]
    assert kinds == ["course.module_published", "course.module_unpublished"]
