"""``lms token``: a signed access token from this installation's keys.

For development, scripts and service-to-service calls: the token is signed by
the keys in ``LMS_JWT_KEYS_DIR`` and verified like any other. Refused in
production unless ``--allow-production`` is given.
"""

from __future__ import annotations

import argparse

from lms.errors import CommandError
from shared.auth import KeyStore, Principal, TokenIssuer
from shared.config import Settings

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "token",
        help="print a signed access token (development and scripting)",
        description="Print an access token signed by this installation's keys.",
    )
    parser.add_argument("--user", default="dev-user", help="user id (sub claim)")
    parser.add_argument("--college", help="college (tenant) id the token acts in")
    parser.add_argument(
        "--role", action="append", default=[], help="a role (repeatable)", dest="roles"
    )
    parser.add_argument(
        "--permission",
        action="append",
        default=[],
        dest="permissions",
        help="a permission such as course:create, course:* or * (repeatable)",
    )
    parser.add_argument(
        "--kind", choices=["user", "api_key", "service"], default="user", help="principal kind"
    )
    parser.add_argument("--ttl", type=int, help="lifetime in seconds (default: LMS_JWT_ACCESS_TTL)")
    parser.add_argument(
        "--allow-production", action="store_true", help="mint a token in production too"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.is_development and not args.allow_production:
        raise CommandError(
            "refusing to mint a token in production (LMS_ENVIRONMENT=production); "
            "pass --allow-production if you mean it"
        )
    if args.ttl is not None and args.ttl <= 0:
        raise CommandError("--ttl must be a positive number of seconds")
    principal = Principal(
        user_id=args.user,
        college_id=args.college,
        roles=frozenset(args.roles),
        permissions=frozenset(args.permissions),
        kind=args.kind,
    )
    issuer = TokenIssuer.from_settings(settings, KeyStore.from_settings(settings))
    print(issuer.issue(principal, ttl=args.ttl))
    return 0
