"""``lms topics``: the declared Kafka topics, and ``--create`` for the missing ones."""

from __future__ import annotations

import argparse
from typing import Any

from shared.config import Settings
from shared.events.errors import EventBusUnavailable, TopicError
from shared.events.topics import PLATFORM_TOPICS, ensure_topics, list_topics

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``topics`` command to the CLI's sub-parsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "topics",
        help="list the declared event topics; --create makes the missing ones",
        description="List the event topics declared in shared/events/topics.py, with "
        "partitions, retention and (on Kafka) whether the broker has them.",
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help="create the declared topics missing on the broker (idempotent)",
    )
    parser.set_defaults(command="topics")
    return parser


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the topic table; with ``--create`` create the missing ones. Exit status."""
    kafka = settings.events_backend == "kafka"
    created: list[str] = []
    try:
        if kafka and args.create:
            created = await ensure_topics(settings, PLATFORM_TOPICS)
        present = set(await list_topics(settings)) if kafka else set()
    except (EventBusUnavailable, TopicError) as exc:
        print(f"error: {exc}")
        return 1
    header = f"{'topic':<20} {'partitions':>10} {'retention':>10}"
    print(header + ("  on broker" if kafka else ""))
    for spec in PLATFORM_TOPICS:
        line = f"{spec.name:<20} {spec.partitions:>10} {spec.retention_days:>9g}d"
        if kafka:
            line += "  " + (
                "created" if spec.name in created else "yes" if spec.name in present else "missing"
            )
        print(line)
    if args.create and not kafka:
        print("events backend is memory (LMS_EVENTS_BACKEND): nothing to create")
    elif args.create:
        print(f"created {len(created)} topic(s)")
    else:
        missing = [s.name for s in PLATFORM_TOPICS if kafka and s.name not in present]
        if missing:
            print(f"{len(missing)} topic(s) missing: run `lms topics --create`")
    return 0
