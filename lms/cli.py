"""``lms``: the platform's command line.

Every failure a person can fix (a bad setting, a taken port, an unknown
service) is one line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Sequence
from types import ModuleType

from lms.commands import (
    compose,
    create_superadmin,
    dev,
    gateway,
    migrate,
    plan,
    serve,
    settings_cmd,
    token,
    topics,
)
from lms.errors import CommandError
from lms.server import run_async
from lms.services import UnknownService, settings_sections
from shared.config import Settings, SettingsError

__all__ = ["main"]

COMMANDS: dict[str, ModuleType] = {
    "dev": dev,
    "serve": serve,
    "migrate": migrate,
    "topics": topics,
    "settings": settings_cmd,
    "token": token,
    "gateway": gateway,
    "plan": plan,
    "compose": compose,
    "create-superadmin": create_superadmin,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lms", description="Run, migrate and inspect the LMS platform."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = COMMANDS[args.command]
    try:
        settings = Settings.load(sections=settings_sections().values())
        result = module.run(args, settings)
        if inspect.iscoroutine(result):
            result = run_async(result)
        return int(result or 0)
    except (SettingsError, UnknownService, CommandError) as exc:
        print(f"lms: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
