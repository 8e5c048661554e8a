"""CSV files for account imports: valid rows by default, bad rows on request."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["csv_file", "student_rows"]

HEADER = ("email", "display_name", "roles", "department_id")


def student_rows(count: int, *, start: int = 1, domain: str = "example.edu") -> list[list[str]]:
    """``count`` valid student rows (no roles named: students get ``student``)."""
    return [[f"student{n}@{domain}", f"Student {n}", "", ""] for n in range(start, start + count)]


def csv_file(rows: Iterable[Sequence[str]], *, header: Sequence[str] = HEADER) -> bytes:
    """A UTF-8 CSV file with ``header`` then ``rows``."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()
