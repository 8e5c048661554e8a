"""The service's consumers: identity's account and role events, the courses' batch assignments.

Each event is handed to the consumer the users ServiceSpec declares (an
``IdempotentConsumer`` on the ``processed_event`` table), twice: the second
delivery is skipped and the data stays as after the first. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from shared.events import Event
from shared.graphql import to_global_id
from subgraphs.users.app import SERVICE
from subgraphs.users.models import Profile, ProfileRole, ProfileStatus, processed_events
from tests.factories.users import identity_event, new_id, outbox_events
from tests.integration.users.graphql_app import (
    COLLEGE_A,
    COLLEGE_B,
    UsersApp,
    World,
    users_app,
    world,
)

__all__ = ["users_app", "world"]

Deliver = Callable[[Event], Awaitable[None]]


def _consumer(app: UsersApp, name: str) -> Deliver:
    spec = next(c for c in SERVICE.consumers if c.name == name)
    handler: Deliver = spec.handler(app.service)
    return handler


async def _twice(deliver: Deliver, *events: Event) -> None:
    for _ in range(2):
        for event in events:
            await deliver(event)


async def _roles(app: UsersApp, user_id: str) -> list[str]:
    async with app.service.database.session() as session:
        keys = await session.scalars(
            select(ProfileRole.role_key)
            .where(ProfileRole.user_id == user_id)
            .order_by(ProfileRole.role_key)
        )
        return list(keys)


def _course_event(user_id: str, batch_id: str | None, college_id: str = COLLEGE_A) -> Event:
    return Event.new(
        type="course.batch_assigned",
        source="courses",
        tenant=college_id,
        subject=user_id,
        data={"user_id": user_id, "batch_id": batch_id, "actor_id": None},
    )


async def test_identity_events_build_the_profile_once(users_app: UsersApp) -> None:
    # given identity's invitation (with roles), activation, role change and new department
    deliver = _consumer(users_app, "identity-events")
    user_id = new_id()
    events = [
        identity_event(
            "user.invited",
            college_id=COLLEGE_A,
            user_id=user_id,
            email="t@nv.edu",
            kind="staff",
            roles=["teacher"],
            department_id="dept-cs",
            display_name="Grace Hopper",
        ),
        identity_event("user.activated", college_id=COLLEGE_A, user_id=user_id),
        identity_event(
            "role.changed",
            college_id=COLLEGE_A,
            user_id=user_id,
            added=["department-head"],
            removed=[],
            roles=["department-head", "teacher"],
        ),
        identity_event(
            "user.updated",
            college_id=COLLEGE_A,
            user_id=user_id,
            changed=["department_id"],
            department_id="dept-maths",
        ),
    ]
    # when each is delivered twice
    await _twice(deliver, *events)
    # then one active profile holds identity's name, the roles now held and the new department
    async with users_app.service.database.session() as session:
        profile = await session.get(Profile, user_id)
        processed = await session.scalar(select(func.count()).select_from(processed_events))
        created = await outbox_events(session, "profile.created")
        updated = await outbox_events(session, "profile.updated")
    assert profile is not None
    assert (profile.status, profile.display_name, profile.department_id) == (
        ProfileStatus.ACTIVE,
        "Grace Hopper",
        "dept-maths",
    )
    assert await _roles(users_app, user_id) == ["department-head", "teacher"]
    # and each event was applied once: four ids recorded, one event of each change
    assert processed == 4
    assert len(created) == 1
    assert [e.data["changed"] for e in updated] == [["status"], ["department_id"]]


async def test_a_role_removed_drops_the_person_from_the_role_filter(
    users_app: UsersApp, world: World
) -> None:
    # given a teacher listed under the teacher role
    deliver = _consumer(users_app, "identity-events")
    people = """query($roles: [String!]) {
      people(filter: {roles: $roles}) { nodes { displayName } } }"""
    token = world.tokens["admin_a"]
    before = await users_app.post(people, {"roles": ["teacher"]}, token=token)
    assert before["data"]["people"]["nodes"] == [{"displayName": "Tom Teacher"}]
    # when identity says the teacher now holds only department-head, twice
    await _twice(
        deliver,
        identity_event(
            "role.changed",
            college_id=COLLEGE_A,
            user_id=world.teacher_a.user_id,
            added=["department-head"],
            removed=["teacher"],
            roles=["department-head"],
        ),
    )
    # then the teacher role lists nobody, and the new one lists them
    after = await users_app.post(people, {"roles": ["teacher"]}, token=token)
    assert after["data"]["people"]["nodes"] == []
    head = await users_app.post(people, {"roles": ["department-head"]}, token=token)
    assert head["data"]["people"]["nodes"] == [{"displayName": "Tom Teacher"}]
    # and the teacher's profile shows the keys now held
    profile = """query($id: ID!) { profile(userId: $id) { roles } }"""
    shown = await users_app.post(
        profile, {"id": to_global_id("User", world.teacher_a.user_id)}, token=token
    )
    assert shown["data"]["profile"] == {"roles": ["department-head"]}


async def test_purge_removes_the_profile_and_its_roles(users_app: UsersApp, world: World) -> None:
    # when identity purges the teacher, twice
    deliver = _consumer(users_app, "identity-events")
    purged = identity_event("user.purged", college_id=COLLEGE_A, user_id=world.teacher_a.user_id)
    await _twice(deliver, purged)
    # then the profile and its role keys are gone, and one profile.deleted was written
    async with users_app.service.database.session() as session:
        assert await session.get(Profile, world.teacher_a.user_id) is None
        assert len(await outbox_events(session, "profile.deleted")) == 1
    assert await _roles(users_app, world.teacher_a.user_id) == []


async def test_batch_assignments_follow_the_courses_subgraph(
    users_app: UsersApp, world: World
) -> None:
    deliver = _consumer(users_app, "course-events")
    people = """query($batch: ID!) {
      people(filter: {batchId: $batch}) { nodes { displayName } } }"""
    batch = to_global_id("Batch", "batch-2027")
    # when the classmate is assigned to batch 2027, delivered twice
    moved = _course_event(world.classmate_a.user_id, "batch-2027")
    await _twice(deliver, moved)
    # then the batch filter lists them, and their profile names the batch
    body = await users_app.post(people, {"batch": batch}, token=world.tokens["teacher_a"])
    assert body["data"]["people"]["nodes"] == [{"displayName": "Cleo Classmate"}]
    # and when they leave every batch, they are listed in none
    await _twice(deliver, _course_event(world.classmate_a.user_id, None))
    body = await users_app.post(people, {"batch": batch}, token=world.tokens["teacher_a"])
    assert body["data"]["people"]["nodes"] == []
    # and an assignment naming another college, or an unknown person, changes nothing
    await _twice(
        deliver,
        _course_event(world.student_a.user_id, "batch-x", college_id=COLLEGE_B),
        _course_event(new_id(), "batch-x"),
    )
    async with users_app.service.database.session() as session:
        profile = await session.get(Profile, world.student_a.user_id)
        processed = await session.scalar(select(func.count()).select_from(processed_events))
    assert profile is not None
    assert profile.batch_id == "batch-2026"
    assert processed == 4
