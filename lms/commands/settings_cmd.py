"""``lms settings``: every setting with its value, or the documentation tables.

The platform's settings come first, then each service's own settings (its
section, ``ServiceSpec.settings``) under the service's name.
"""

from __future__ import annotations

import argparse
import json
import typing
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from lms.services import settings_sections
from shared.config import ENV_PREFIX, Settings, section_prefix

__all__ = ["add_parser", "markdown_document", "markdown_sections", "markdown_table", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "settings",
        help="show the effective settings (secrets hidden)",
        description="Show every LMS_ setting and its effective value, or (--markdown) "
        "the table of docs/configuration.md.",
    )
    parser.add_argument("--markdown", action="store_true", help="print the documentation tables")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.markdown:
        print(markdown_document(), end="")
        return 0
    _print_values(settings, ENV_PREFIX)
    for service, section in settings_sections().items():
        print(f"# {service}")
        _print_values(settings.section(section), section_prefix(section))
    return 0


def _print_values(values: BaseSettings, prefix: str) -> None:
    for name in type(values).model_fields:
        value = getattr(values, name)
        shown = "********" if isinstance(value, SecretStr) else value
        print(f"{prefix}{name.upper()}={'' if shown is None else shown}")


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


def markdown_table(settings_class: type[BaseSettings] = Settings) -> str:
    """The table of one settings class (default: the platform's :class:`Settings`)."""
    prefix = ENV_PREFIX if settings_class is Settings else section_prefix(settings_class)
    lines = [
        "| Variable | Type | Default | Description |",
        "|---|---|---|---|",
    ]
    for name, field in settings_class.model_fields.items():
        description = (field.description or "").replace("|", "\\|").replace("``", "`")
        lines.append(
            f"| `{prefix}{name.upper()}` | {_type_name(field)} | {_default(field)} "
            f"| {description} |"
        )
    return "\n".join(lines) + "\n"


def markdown_sections() -> str:
    """One heading and table per service that has settings of its own."""
    parts = []
    for service, section in settings_sections().items():
        summary = (section.__doc__ or "").strip().splitlines()[0] if section.__doc__ else ""
        parts.append(
            f"### {service}\n\n"
            f"`{section.__module__}.{section.__name__}`, read from `{section_prefix(section)}*`. "
            f"{summary}\n\n{markdown_table(section)}"
        )
    return "\n".join(parts)


def markdown_document() -> str:
    """The tables of docs/configuration.md: the platform's, then each service's."""
    return (
        markdown_table()
        + "\n## Service settings\n\n"
        + "Each service may have settings of its own (`ServiceSpec.settings`), read with "
        + "the platform's at start-up from the same environment and refused when unknown "
        + "or invalid in the same way.\n\n"
        + markdown_sections()
    )
