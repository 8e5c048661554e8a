"""Topic declarations, routing of event types and partition keys."""

from __future__ import annotations

import pytest

from shared.events import PLATFORM_TOPICS, Event, TopicSpec, UnknownEventType
from shared.events.topics import partition_key, topic_for

PUBLISHED_DOMAINS = [
    "college", "user", "profile", "course", "enrollment", "assignment",
    "submission", "grade", "note", "chat", "notification", "report", "audit",
]  # fmt: skip


@pytest.mark.parametrize("domain", PUBLISHED_DOMAINS)
def test_every_published_domain_has_its_topic(domain: str) -> None:
    assert topic_for(f"{domain}.changed") == f"lms.{domain}"


def test_topic_declarations_are_consistent() -> None:
    names = [spec.name for spec in PLATFORM_TOPICS]
    domains = [d for spec in PLATFORM_TOPICS for d in spec.domains]
    assert len(set(names)) == len(names)
    assert len(set(domains)) == len(domains)
    assert all(spec.partitions >= 1 and spec.retention_ms >= 3_600_000 for spec in PLATFORM_TOPICS)


def test_unknown_domain_names_the_fix() -> None:
    with pytest.raises(UnknownEventType, match=r"'spaceship'.*shared/events/topics.py"):
        topic_for("spaceship.launched")


def test_custom_topic_set() -> None:
    specs = (TopicSpec(name="x.y", partitions=1, retention_ms=1, domains=("course", "grade")),)
    assert topic_for("grade.set", topics=specs) == "x.y"
    with pytest.raises(UnknownEventType):
        topic_for("user.created", topics=specs)


def test_partition_key_is_tenant_else_subject() -> None:
    with_tenant = Event.new(type="course.created", source="s", tenant="college-1", subject="c")
    platform = Event.new(type="college.created", source="s", tenant=None, subject="college-9")
    assert partition_key(with_tenant) == "college-1"
    assert partition_key(platform) == "college-9"


def test_section_events_ride_with_their_college_course_events() -> None:
    # given a section event and a course event of one college
    # then both go to lms.course, ordered by the same partition key
    assert topic_for("section.created") == topic_for("course.created") == "lms.course"
