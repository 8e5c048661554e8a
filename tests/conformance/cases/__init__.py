"""The conformance cases: one module per feature area, each with ``CASES``.

Next to each module, ``<area>.json`` holds Apollo Gateway's answer to every
case of the area (normalized, see ``tests.conformance.responses``), keyed by
case name. ``python -m tests.conformance.record`` rewrites those snapshots.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tests.conformance.case import Case

__all__ = ["AREAS", "load_cases", "load_snapshots", "snapshot_path", "write_snapshots"]

AREAS: tuple[str, ...] = (
    "entities",
    "keys",
    "requires",
    "provides",
    "shareable",
    "override",
    "inaccessible",
    "abstract",
    "fragments",
    "aliases",
    "variables",
    "directives",
    "typename",
    "introspection",
    "operations",
    "headers",
    "mutations",
    "errors",
    "outage",
)

HERE = Path(__file__).resolve().parent


def load_cases() -> list[Case]:
    """Every case of every area, in area order, each knowing its area."""
    cases: list[Case] = []
    for area in AREAS:
        module = importlib.import_module(f"{__name__}.{area}")
        cases.extend(dataclasses.replace(case, area=area) for case in module.CASES)
    return cases


def snapshot_path(area: str) -> Path:
    """Where an area's snapshots live."""
    return HERE / f"{area}.json"


def load_snapshots() -> dict[str, dict[str, Any]]:
    """Every recorded answer, by case id."""
    snapshots: dict[str, dict[str, Any]] = {}
    for area in AREAS:
        path = snapshot_path(area)
        if path.exists():
            recorded = json.loads(path.read_text())
            snapshots.update({f"{area}-{name}": answer for name, answer in recorded.items()})
    return snapshots


def write_snapshots(cases: Iterable[Case], answers: Mapping[str, dict[str, Any]]) -> None:
    """Write each area's answers (by case id) to its snapshot file, in case order."""
    by_area: dict[str, dict[str, Any]] = {}
    for case in cases:
        by_area.setdefault(case.area, {})[case.name] = answers[case.id]
    for area, recorded in by_area.items():
        text = json.dumps(recorded, indent=2, ensure_ascii=False)
        snapshot_path(area).write_text(text + "\n")
