"""``lms settings``: every setting with its value, or the documentation table."""

from __future__ import annotations

import argparse
import json
import typing
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from shared.config import ENV_PREFIX, Settings

__all__ = ["add_parser", "markdown_table", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "settings",
        help="show the effective settings (secrets hidden)",
        description="Show every LMS_ setting and its effective value, or (--markdown) "
        "the table of docs/configuration.md.",
    )
    parser.add_argument("--markdown", action="store_true", help="print the documentation table")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.markdown:
        print(markdown_table(), end="")
        return 0
    for name in Settings.model_fields:
        value = getattr(settings, name)
        shown = "********" if isinstance(value, SecretStr) else value
        print(f"{ENV_PREFIX}{name.upper()}={'' if shown is None else shown}")
    return 0


def _type_name(field: FieldInfo) -> str:
    annotation = field.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(annotation))
    if args and typing.get_origin(args[0]) is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(args[0]))
    base: Any = args[0] if args else annotation
    names: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if base in names:
        return names[base]
    name = str(getattr(base, "__name__", base))
    return name.replace("SecretStr", "secret").replace("Path", "path")


def _default(field: FieldInfo) -> str:
    value: Any = field.default
    if value is None:
        return ""
    if isinstance(value, bool):
        return f"`{json.dumps(value)}`"
    return f"`{value}`"


def markdown_table() -> str:
    """The settings table of docs/configuration.md, generated from :class:`Settings`."""
    lines = [
        "| Variable | Type | Default | Description |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        description = (field.description or "").replace("|", "\\|")
        lines.append(
            f"| `{ENV_PREFIX}{name.upper()}` | {_type_name(field)} | {_default(field)} "
            f"| {description} |"
        )
    return "\n".join(lines) + "\n"
