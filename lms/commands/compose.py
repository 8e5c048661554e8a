"""``lms compose``: compose subgraphs into a supergraph the gateway can serve.

Each ``--subgraph NAME=URL_OR_FILE`` is read from the file, or fetched from the
URL with ``{ _service { sdl } }``. The supergraph records the given URL, or for
a file the ``--url NAME=URL`` given for it, else ``http://NAME``. A failed
composition prints its errors, one per line, and exits non-zero.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

from gateway.composition import SubgraphSource, compose
from lms.errors import CommandError
from shared.config import Settings

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "compose",
        help="compose subgraph schemas into a supergraph",
        description="Compose Federation v2 subgraphs into a supergraph SDL file.",
    )
    parser.add_argument(
        "--subgraph",
        action="append",
        required=True,
        metavar="NAME=URL_OR_FILE",
        help="a subgraph: its SDL file, or its URL (asked for _service { sdl })",
    )
    parser.add_argument(
        "--url", action="append", default=[], metavar="NAME=URL", help="URL of a file subgraph"
    )
    parser.add_argument("--output", required=True, help="where to write the supergraph")


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


def run(args: argparse.Namespace, settings: Settings) -> int:
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
    result = compose(sources)
    if result.supergraph_sdl is None:
        for error in result.errors:
            print(error, file=sys.stderr)
        return 1
    Path(args.output).write_text(result.supergraph_sdl)
    return 0
