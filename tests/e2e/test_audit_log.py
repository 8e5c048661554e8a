"""The audit subgraph end to end, on the embedded and on the distributed backends.

Events published on the bus are recorded once each (redelivery is harmless)
and read back through GraphQL, per college and with permissions.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.auth import Principal, TokenIssuer
from shared.events import PLATFORM_TOPICS, Event, ensure_topics
from tests.fixtures.platform import RunningApp

URL = "/subgraphs/audit/graphql"
LOG = """
query Log($first: Int, $after: String, $filter: AuditLogFilter, $collegeId: ID) {
  auditLog(first: $first, after: $after, filter: $filter, collegeId: $collegeId) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id eventId type source subject actorId occurredAt data }
  }
}
"""


def _token(app: RunningApp, **principal: Any) -> str:
    issuer = TokenIssuer.from_settings(app.platform.settings, app.platform.keys)
    return issuer.issue(Principal(**principal))


async def _query(
    app: RunningApp, token: str | None, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await app.client.post(
        URL, json={"query": LOG, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _events(c1: str, c2: str) -> list[Event]:
    """Four events a minute apart: three of college ``c1``, one of ``c2``."""
    start = datetime(2026, 9, 1, tzinfo=UTC)
    specs = [
        ("course.created", c1, "course-1", {"actor_id": "teacher-1", "title": "Algebra"}),
        ("enrollment.created", c1, "enr-1", {"actor_id": "admin-1"}),
        ("course.published", c1, "course-1", {"actor_id": "teacher-1"}),
        ("course.created", c2, "course-9", {"title": "Other college"}),
    ]
    events = []
    for minute, (type_, tenant, subject, data) in enumerate(specs):
        event = Event.new(type=type_, source="courses", tenant=tenant, subject=subject, data=data)
        events.append(
            Event(
                id=event.id,
                type=event.type,
                source=event.source,
                time=start + timedelta(minutes=minute),
                tenant=event.tenant,
                subject=event.subject,
                data=event.data,
            )
        )
    return events


async def _publish_and_wait(
    app: RunningApp, events: list[Event], *, expected: int, colleges: tuple[str, str]
) -> None:
    """Publish, then wait (bounded) until the log holds ``expected`` entries of ``colleges``."""
    settings = app.platform.settings
    if settings.events_backend == "kafka":
        await ensure_topics(settings, PLATFORM_TOPICS)
    await app.platform.bus.publish(events)
    admin = _token(app, user_id="root", permissions=frozenset({"*"}))
    async with asyncio.timeout(30):
        while True:
            counts = []
            for college in colleges:
                body = await _query(app, admin, {"collegeId": college})
                counts.append(body["data"]["auditLog"]["totalCount"])
            if sum(counts) >= expected:
                return
            await asyncio.sleep(0.05)


@pytest.fixture
def colleges() -> tuple[str, str]:
    """Two colleges of this test's own: the broker is shared by the whole run, so events
    another test left on it never land in these colleges."""
    run = uuid.uuid4().hex[:8]
    return f"c1-{run}", f"c2-{run}"


@pytest.fixture
async def recorded(running_app: RunningApp, colleges: tuple[str, str]) -> list[Event]:
    events = _events(*colleges)
    await _publish_and_wait(running_app, events, expected=len(events), colleges=colleges)
    return events


async def test_a_college_reads_its_own_log_newest_first(
    running_app: RunningApp, recorded: list[Event], colleges: tuple[str, str]
) -> None:
    token = _token(running_app, user_id="a1", college_id=colleges[0], permissions={"audit:read"})
    body = await _query(running_app, token)
    log = body["data"]["auditLog"]
    assert log["totalCount"] == 3
    assert [n["type"] for n in log["nodes"]] == [
        "course.published",
        "enrollment.created",
        "course.created",
    ]
    assert [n["eventId"] for n in log["nodes"]] == [e.id for e in reversed(recorded[:3])]
    newest = log["nodes"][0]
    assert newest["actorId"] == "teacher-1"
    assert newest["occurredAt"] == "2026-09-01T00:02:00+00:00"
    assert newest["data"] == {"actor_id": "teacher-1"}


async def test_redelivered_events_are_recorded_once(
    running_app: RunningApp, recorded: list[Event], colleges: tuple[str, str]
) -> None:
    # when every event is delivered again, plus one new event
    extra = Event.new(
        type="course.archived", source="courses", tenant=colleges[1], subject="course-9"
    )
    await _publish_and_wait(
        running_app, [*recorded, extra], expected=len(recorded) + 1, colleges=colleges
    )
    # then the log holds each event once
    token = _token(running_app, user_id="a2", college_id=colleges[1], permissions={"audit:*"})
    log = (await _query(running_app, token))["data"]["auditLog"]
    assert log["totalCount"] == 2
    assert sorted(n["eventId"] for n in log["nodes"]) == sorted([recorded[3].id, extra.id])


async def test_pages_and_filters(
    running_app: RunningApp, recorded: list[Event], colleges: tuple[str, str]
) -> None:
    token = _token(running_app, user_id="a1", college_id=colleges[0], permissions={"audit:read"})
    first = (await _query(running_app, token, {"first": 2}))["data"]["auditLog"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (
        await _query(running_app, token, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    )["data"]["auditLog"]
    assert rest["pageInfo"]["hasNextPage"] is False
    seen = [n["eventId"] for n in first["nodes"] + rest["nodes"]]
    assert seen == [e.id for e in reversed(recorded[:3])]

    by_domain = await _query(running_app, token, {"filter": {"typePrefix": "course"}})
    assert by_domain["data"]["auditLog"]["totalCount"] == 2
    by_subject = await _query(
        running_app, token, {"filter": {"subject": "enr-1", "actorId": "admin-1"}}
    )
    assert [n["type"] for n in by_subject["data"]["auditLog"]["nodes"]] == ["enrollment.created"]


async def test_bad_filter_is_a_user_error(running_app: RunningApp) -> None:
    token = _token(running_app, user_id="a1", college_id="c1", permissions={"audit:read"})
    body = await _query(
        running_app,
        token,
        {
            "filter": {
                "occurredAfter": "2026-09-02T00:00:00+00:00",
                "occurredBefore": "2026-09-01T00:00:00+00:00",
            }
        },
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "occurredAfter must be earlier" in error["message"]


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ({"user_id": "s1", "college_id": "c1", "permissions": {"course:read"}}, "FORBIDDEN"),
    ],
)
async def test_reading_the_log_needs_audit_read(
    running_app: RunningApp, principal: dict[str, Any] | None, code: str
) -> None:
    token = _token(running_app, **principal) if principal else None
    body = await _query(running_app, token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code


async def test_one_college_never_sees_another(
    running_app: RunningApp, recorded: list[Event], colleges: tuple[str, str]
) -> None:
    token = _token(running_app, user_id="a1", college_id=colleges[0], permissions={"audit:read"})
    body = await _query(running_app, token, {"collegeId": colleges[1]})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    own = (await _query(running_app, token))["data"]["auditLog"]["nodes"]
    assert all(n["subject"] != "course-9" for n in own)


async def test_an_invalid_token_is_refused_not_anonymous(running_app: RunningApp) -> None:
    body = await _query(running_app, "not-a-token")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
