"""The benchmark's results as a table, JSON and markdown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.load.gateway.wrk import Load, Measurement

__all__ = ["Report", "Row"]


@dataclass(frozen=True)
class Row:
    """One measured target: a gateway in a round, or a subgraph fetch."""

    round: str
    target: str
    measurement: Measurement | None
    note: str = ""

    def cells(self, baseline_ms: float | None, chain_ms: float | None) -> list[str]:
        m = self.measurement
        if m is None:
            return [self.round, self.target, "-", "-", "-", "-", "-", "-", self.note]
        overhead = (
            f"{m.p50_ms - baseline_ms:+.2f} / {m.p50_ms - chain_ms:+.2f}"
            if baseline_ms is not None and chain_ms is not None and self.round != "direct"
            else ""
        )
        return [
            self.round,
            self.target,
            f"{m.requests_per_second:,.0f}",
            f"{m.p50_ms:.2f}",
            f"{m.p95_ms:.2f}",
            f"{m.p99_ms:.2f}",
            str(m.failed),
            overhead,
            self.note,
        ]


HEADER = [
    "round",
    "target",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "failed",
    "p50 overhead ms (root / all fetches)",
    "note",
]


@dataclass
class Report:
    """Everything one benchmark run measured, and the conditions it ran in."""

    query: str
    load: Load
    warmup: float
    machine: dict[str, Any]
    rows: list[Row] = field(default_factory=list)

    @property
    def root_p50_ms(self) -> float | None:
        """p50 of the subgraph serving the root field, driven directly."""
        direct = [row for row in self.rows if row.round == "direct" and row.measurement]
        return direct[0].measurement.p50_ms if direct and direct[0].measurement else None

    @property
    def chain_p50_ms(self) -> float | None:
        """Sum of the p50 of every fetch of the plan, each driven directly."""
        direct = [row.measurement for row in self.rows if row.round == "direct"]
        if not direct or any(m is None for m in direct):
            return None
        return sum(m.p50_ms for m in direct if m is not None)

    def table(self) -> list[list[str]]:
        return [HEADER, *(row.cells(self.root_p50_ms, self.chain_p50_ms) for row in self.rows)]

    def text(self) -> str:
        return _aligned(self.table())

    def markdown(self) -> str:
        table = self.table()
        lines = [
            "# Gateway benchmark",
            "",
            f"Query: `{self.query}`",
            "",
            f"wrk: {self.load.connections} connections, {self.load.threads} threads, "
            f"{self.load.duration:g} s measured after a {self.warmup:g} s warm-up.",
            "",
            "Machine: " + ", ".join(f"{key} {value}" for key, value in self.machine.items()),
            "",
            "| " + " | ".join(table[0]) + " |",
            "|" + "---|" * len(table[0]),
            *("| " + " | ".join(row) + " |" for row in table[1:]),
            "",
        ]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "load": {
                "connections": self.load.connections,
                "threads": self.load.threads,
                "duration_s": self.load.duration,
                "warmup_s": self.warmup,
            },
            "machine": self.machine,
            "root_p50_ms": self.root_p50_ms,
            "fetches_p50_ms": self.chain_p50_ms,
            "rows": [
                {
                    "round": row.round,
                    "target": row.target,
                    "note": row.note,
                    "result": row.measurement.to_json() if row.measurement else None,
                }
                for row in self.rows
            ],
        }

    def write(self, directory: Path) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        as_json = directory / "gateway-benchmark.json"
        as_markdown = directory / "gateway-benchmark.md"
        as_json.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        as_markdown.write_text(self.markdown())
        return as_json, as_markdown


def _aligned(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
