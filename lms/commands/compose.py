"""``lms compose``: compose subgraphs into a supergraph the gateway can serve.

Without ``--subgraph`` it composes the project's own subgraphs (from their
in-process Strawberry schemas, no server needed) and writes
``schema/subgraphs/NAME.graphql`` for each and ``schema/supergraph.graphql``,
deleting the SDL files of services no longer registered; ``--output PATH``
writes only the supergraph, there. ``--check`` writes nothing: it exits 1 if
``schema/`` differs from a fresh composition, naming the stale files and
listing the API changes between the committed supergraph and the new one.

Each ``--subgraph NAME=URL_OR_FILE`` is read from the file, or fetched from the
URL with ``{ _service { sdl } }``. The supergraph records the given URL, or for
a file the ``--url NAME=URL`` given for it, else ``http://NAME``.

A failed composition prints its errors, ``CODE: message`` one per line, and
exits 1. The project's schema is always composed with embedded default
settings, so the environment never changes what is generated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

from gateway.composition import CompositionResult, SubgraphSource, compose
from gateway.composition.changes import find_changes, group_changes
from gateway.supergraph import Supergraph, SupergraphError
from lms.errors import CommandError
from lms.supergraph import (
    SCHEMA_DIR,
    compose_project,
    project_subgraph_sdls,
    schema_files,
    stale_schema_files,
    supergraph_file,
    write_schema_files,
)
from shared.config import Settings

__all__ = ["add_parser", "run"]

_DESCRIPTION = """\
Compose Federation v2 subgraphs into a supergraph SDL file.

  lms compose                  the project's subgraphs into schema/
  lms compose --check          exit 1 if schema/ is stale, listing the API changes
  lms compose --output PATH    the project's supergraph into PATH only
  lms compose --subgraph NAME=URL_OR_FILE ... --output PATH
                               any subgraphs into PATH
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "compose",
        help="compose subgraph schemas into a supergraph (default: the project's, into schema/)",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--subgraph",
        action="append",
        default=[],
        metavar="NAME=URL_OR_FILE",
        help="a subgraph: its SDL file, or its URL (asked for _service { sdl }); "
        "without any, the project's own subgraphs are composed",
    )
    parser.add_argument(
        "--url", action="append", default=[], metavar="NAME=URL", help="URL of a file subgraph"
    )
    parser.add_argument(
        "--output", type=Path, help="where to write the supergraph (needed with --subgraph)"
    )
    parser.add_argument(
        "--schema-dir",
        type=Path,
        metavar="DIR",
        help=f"the folder of generated schema files (default: {SCHEMA_DIR.name}/ of the project)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the schema folder differs from a fresh composition",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Dispatch on the mode the options select; ``settings`` is not used (see module doc)."""
    if args.subgraph:
        if args.check or args.schema_dir is not None:
            raise CommandError(
                "--check and --schema-dir apply to the project's own subgraphs; "
                "drop them, or drop --subgraph"
            )
        if args.output is None:
            raise CommandError(
                "--subgraph needs --output PATH (where to write the supergraph); without "
                "--subgraph, lms compose writes the project's subgraphs into schema/"
            )
        return _compose_given(args)
    if args.url:
        raise CommandError(
            "--url NAME=URL names the URL of a --subgraph file; add that --subgraph, "
            "or drop --url to compose the project"
        )
    schema_dir: Path = args.schema_dir if args.schema_dir is not None else SCHEMA_DIR
    if args.check:
        if args.output is not None:
            raise CommandError("--check writes nothing; drop --output")
        return _check_project(schema_dir)
    if args.output is not None:
        if args.schema_dir is not None:
            raise CommandError(
                "--output writes the supergraph alone and --schema-dir a whole schema "
                "folder; give one of them"
            )
        return _compose_project_to(args.output)
    return _write_project(schema_dir)


# -- given subgraphs ----------------------------------------------------------------


def _pair(text: str, option: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise CommandError(f"{option} {text!r}: write it as NAME=VALUE")
    return name, value


def _fetch(name: str, url: str) -> str:
    try:
        response = httpx.post(url, json={"query": "{ _service { sdl } }"}, timeout=30)
        body = response.json()
        sdl = body["data"]["_service"]["sdl"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(
            f"cannot read subgraph {name} from {url} ({exc}); check that it is running "
            "and serves _service { sdl }"
        ) from None
    if not isinstance(sdl, str):
        raise CommandError(f"subgraph {name} at {url} returned no SDL")
    return sdl


def _compose_given(args: argparse.Namespace) -> int:
    urls = dict(_pair(text, "--url") for text in args.url)
    sources: list[SubgraphSource] = []
    for text in args.subgraph:
        name, where = _pair(text, "--subgraph")
        if where.startswith(("http://", "https://")):
            sources.append(SubgraphSource(name=name, url=where, sdl=_fetch(name, where)))
            continue
        try:
            sdl = Path(where).read_text()
        except OSError as exc:
            raise CommandError(f"cannot read subgraph {name} from {where}: {exc}") from None
        sources.append(SubgraphSource(name=name, url=urls.get(name, f"http://{name}"), sdl=sdl))
    supergraph_sdl = _supergraph_or_errors(compose(sources))
    if supergraph_sdl is None:
        return 1
    args.output.write_text(supergraph_sdl)
    return 0


# -- the project's subgraphs ----------------------------------------------------------


def _supergraph_or_errors(result: CompositionResult) -> str | None:
    """The supergraph SDL, or ``None`` after printing each error on its own line."""
    if result.supergraph_sdl is None:
        for error in result.errors:
            print(error, file=sys.stderr)
    return result.supergraph_sdl


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _compose_project_to(output: Path) -> int:
    supergraph_sdl = _supergraph_or_errors(compose_project())
    if supergraph_sdl is None:
        return 1
    output.write_text(supergraph_sdl)
    print(f"wrote {_shown(output)}")
    return 0


def _write_project(schema_dir: Path) -> int:
    sdls = project_subgraph_sdls()
    supergraph_sdl = _supergraph_or_errors(compose_project(sdls))
    if supergraph_sdl is None:
        return 1
    files = schema_files(sdls, supergraph_sdl, schema_dir)
    removed = write_schema_files(files, schema_dir)
    for path in files:
        print(f"wrote {_shown(path)}")
    for path in removed:
        print(f"removed {_shown(path)} (no service named {path.stem} is registered)")
    return 0


def _check_project(schema_dir: Path) -> int:
    sdls = project_subgraph_sdls()
    supergraph_sdl = _supergraph_or_errors(compose_project(sdls))
    if supergraph_sdl is None:
        return 1
    stale = stale_schema_files(schema_files(sdls, supergraph_sdl, schema_dir), schema_dir)
    folder = f"{_shown(schema_dir)}/"
    if not stale:
        print(f"{folder} is current")
        return 0
    lines = [f"{folder} is stale:"]
    lines += [f"  {_shown(file.path)}: {file.reason}" for file in stale]
    lines += _api_changes(supergraph_file(schema_dir), supergraph_sdl)
    command = (
        "lms compose"
        if schema_dir.resolve() == SCHEMA_DIR
        else f"lms compose --schema-dir {folder}"
    )
    lines.append(f"run `{command}` and commit {folder}")
    print("\n".join(lines), file=sys.stderr)
    return 1


def _api_changes(committed_file: Path, supergraph_sdl: str) -> list[str]:
    """Lines listing the API changes from the committed supergraph to ``supergraph_sdl``."""
    try:
        committed = Supergraph.parse(committed_file.read_text())
    except FileNotFoundError:
        return ["API changes: none listed, there is no committed supergraph to compare with"]
    except (OSError, SupergraphError) as exc:
        return [f"API changes: none listed, the committed supergraph cannot be read ({exc})"]
    changes = find_changes(committed.api_schema, Supergraph.parse(supergraph_sdl).api_schema)
    if not changes:
        return [
            "API changes: none to types, fields, arguments, enum values or directive "
            "definitions (the difference is in subgraph files or federation metadata)"
        ]
    lines = ["API changes from the committed supergraph:"]
    for severity, group in group_changes(changes).items():
        if group:
            lines.append(f"  {severity.value} ({len(group)}):")
            lines += [f"    {change}" for change in group]
    return lines
