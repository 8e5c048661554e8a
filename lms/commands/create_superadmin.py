"""``lms create-superadmin``: the first sign-in of a fresh install.

Creates the platform super-admin (a platform account, no college, the
super-admin role). The password is read from stdin with
``--password-stdin`` (one line), otherwise asked twice on the terminal. It
must pass the default password policy: every broken rule is printed and
the exit status is 1, as it is when a platform account already has the
email. The identity database is created and migrated first when needed.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from lms.errors import CommandError
from lms.services import get_service
from shared.config import Settings
from shared.db import DatabaseUnavailable, create_database
from shared.db.migrations import Migrations
from shared.errors import DomainError
from subgraphs.identity.bootstrap import (
    DEFAULT_SUPERADMIN_NAME,
    create_superadmin,
    superadmin_password_problems,
)
from subgraphs.identity.validation import normalize_email

__all__ = ["add_parser", "run"]

SERVICE = "identity"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "create-superadmin",
        help="create the platform super-admin account (fresh install)",
        description="Create the platform super-admin: a platform account with the "
        "super-admin role. The password is asked twice, or read from stdin with "
        "--password-stdin; it must pass the default password policy.",
    )
    parser.add_argument("--email", required=True, help="the super-admin's email (sign-in name)")
    parser.add_argument("--name", default=DEFAULT_SUPERADMIN_NAME, help="display name")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of asking",
    )


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on stdin")
        return password
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != first:
        raise CommandError("the two passwords differ")
    return first


def _fail(lines: list[str]) -> int:
    for line in lines:
        print(f"lms: {line}", file=sys.stderr)
    return 1


async def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        email = normalize_email(args.email)
    except DomainError as exc:
        return _fail([str(exc)])
    password = _read_password(args)
    problems = superadmin_password_problems(password, email=email, display_name=args.name)
    if problems:
        return _fail(["the password is refused:", *(f"  {p}" for p in problems)])

    spec = get_service(SERVICE)
    database = create_database(settings, spec.name)
    try:
        await database.create()
        await database.ping()
        await Migrations(database, spec.metadata, spec.migrations_dir).upgrade("head")
        async with database.transaction() as session:
            account = await create_superadmin(
                session, email=email, password=password, display_name=args.name
            )
    except DatabaseUnavailable as exc:
        raise CommandError(str(exc)) from None
    except DomainError as exc:
        return _fail([str(exc)])
    finally:
        await database.dispose()
    print(f"created super-admin {account.email} (account {account.id})")
    return 0
