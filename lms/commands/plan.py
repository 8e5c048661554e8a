"""``lms plan``: the query plan the gateway would run for an operation.

Prints the plan as JSON (Apollo's serialized shape) or, with ``--pretty``, in
Apollo's pretty text, to compare with Apollo's planner or inspect a slow query.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graphql import GraphQLError, parse, validate

from gateway.planner import PlanningError, QueryPlanner
from gateway.supergraph import Supergraph, SupergraphError
from lms.errors import CommandError
from shared.config import Settings

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "plan",
        help="print the query plan of an operation over a supergraph",
        description="Plan an operation over a supergraph and print the plan.",
    )
    parser.add_argument("--supergraph", required=True, help="the supergraph SDL file")
    parser.add_argument("query", help="the operation (GraphQL text); - reads it from stdin")
    parser.add_argument("--operation-name", help="which operation of the document to plan")
    parser.add_argument(
        "--pretty", action="store_true", help="print Apollo's pretty text instead of JSON"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.supergraph)
    try:
        sdl = path.read_text()
    except OSError as exc:
        raise CommandError(f"cannot read supergraph {path}: {exc.strerror or exc}") from None
    try:
        supergraph = Supergraph.parse(sdl)
    except SupergraphError as exc:
        raise CommandError(f"invalid supergraph {path}: {exc}") from None
    query = sys.stdin.read() if args.query == "-" else args.query
    try:
        document = parse(query)
    except GraphQLError as exc:
        raise CommandError(f"the operation does not parse: {exc.message}") from None
    errors = validate(supergraph.api_schema, document)
    if errors:
        raise CommandError(
            f"the operation is not valid against the API schema: {errors[0].message}"
        )
    try:
        plan = QueryPlanner(supergraph).plan(document, args.operation_name)
    except PlanningError as exc:
        raise CommandError(f"no plan: {exc}") from None
    print(plan.pretty() if args.pretty else json.dumps(plan.to_json(), indent=2))
    return 0
