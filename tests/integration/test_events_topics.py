"""Topic management against the real broker, and the ``lms topics`` command."""

from __future__ import annotations

import argparse

import pytest

from lms.commands import topics as topics_command
from shared.config import Settings
from shared.events import (
    PLATFORM_TOPICS,
    EventBusUnavailable,
    TopicSpec,
    ensure_topics,
    list_topics,
)

pytestmark = pytest.mark.integration


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lms")
    topics_command.add_parser(parser.add_subparsers())
    return parser.parse_args(["topics", *argv])


async def test_ensure_topics_creates_missing_ones_idempotently(
    kafka_settings: Settings, test_topics: tuple[TopicSpec, ...]
) -> None:
    assert await ensure_topics(kafka_settings, test_topics) == sorted(t.name for t in test_topics)
    assert await ensure_topics(kafka_settings, test_topics) == []
    present = await list_topics(kafka_settings)
    assert {t.name for t in test_topics} <= set(present)


async def test_topics_command_lists_and_creates_platform_topics(
    kafka_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await topics_command.run(parse("--create"), kafka_settings) == 0
    out = capsys.readouterr().out
    assert "lms.course" in out
    assert "created" in out
    assert await topics_command.run(parse(), kafka_settings) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("lms.")]
    assert len(lines) == len(PLATFORM_TOPICS)
    assert all(line.rstrip().endswith("yes") for line in lines)


async def test_topics_command_on_memory_backend_has_nothing_to_create(
    sqlite_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await topics_command.run(parse("--create"), sqlite_settings) == 0
    out = capsys.readouterr().out
    assert "nothing to create" in out
    assert "lms.grade" in out


async def test_unreachable_broker_is_reported_on_one_line(
    sqlite_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = sqlite_settings.with_overrides(
        events_backend="kafka", kafka_bootstrap_servers="127.0.0.1:1"
    )
    with pytest.raises(EventBusUnavailable, match=r"LMS_KAFKA_BOOTSTRAP_SERVERS\)$"):
        await list_topics(settings)
    assert await topics_command.run(parse(), settings) == 1
    assert "LMS_KAFKA_BOOTSTRAP_SERVERS" in capsys.readouterr().out
