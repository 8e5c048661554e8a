"""``lms migrate``: each service's Alembic history (upgrade, downgrade, current, revision)."""

from __future__ import annotations

import argparse

from lms.errors import CommandError
from lms.services import all_services, get_service
from shared.config import Settings
from shared.db import DatabaseUnavailable, create_database
from shared.db.migrations import Migrations
from shared.service import ServiceSpec

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "migrate",
        help="upgrade, downgrade or inspect the services' databases",
        description="Apply each service's migrations (all services, or --service NAME). "
        "Databases (or schemas) are created when missing.",
    )
    parser.add_argument(
        "action", choices=["upgrade", "downgrade", "current", "revision"], help="what to do"
    )
    parser.add_argument(
        "revision",
        nargs="?",
        help="target revision (upgrade: default head; downgrade: default -1, or 'base')",
    )
    parser.add_argument("--service", help="only this service")
    parser.add_argument("-m", "--message", help="message of a new revision (revision only)")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    specs = [get_service(args.service)] if args.service else all_services()
    if args.action == "revision" and not (args.service and args.message):
        raise CommandError("revision needs --service NAME and -m MESSAGE")
    if not specs:
        print("no services to migrate")
        return 0
    for spec in specs:
        print(await _migrate(spec, args, settings))
    return 0


async def _migrate(spec: ServiceSpec, args: argparse.Namespace, settings: Settings) -> str:
    database = create_database(settings, spec.name)
    migrations = Migrations(database, spec.metadata, spec.migrations_dir)
    try:
        if args.action != "current":
            await database.create()
        await database.ping()
        if args.action == "upgrade":
            await migrations.upgrade(args.revision or "head")
        elif args.action == "downgrade":
            await migrations.downgrade(args.revision or "-1")
        elif args.action == "revision":
            await migrations.revision(args.message)
            return f"{spec.name}: new revision {migrations.head()} in {spec.migrations_dir}"
        current = await migrations.current()
        head = migrations.head()
        where = "head" if current == head else f"head is {head}"
        return f"{spec.name}: at {current or 'base'} ({where})"
    except DatabaseUnavailable as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(
            f"database of {spec.name} unreachable at {database.safe_url}: {exc} "
            "(check LMS_DATABASE_URL)"
        ) from None
    finally:
        await database.dispose()
