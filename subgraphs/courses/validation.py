"""Normalising and checking the values people type: codes, names, credits, capacities."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from shared.errors import DomainError
from subgraphs.courses.errors import CoursesErrorCode

__all__ = [
    "MAX_CAPACITY",
    "MAX_CREDITS",
    "check_capacity",
    "check_credits",
    "normalize_code",
    "normalize_name",
]

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")
MAX_CREDITS = Decimal("999.9")
MAX_CAPACITY = 10_000


def normalize_code(value: str, *, field: str = "code") -> str:
    """``value`` trimmed and upper-cased: 1-32 letters, digits, ``-``, ``_`` or ``.``."""
    code = value.strip().upper()
    if not _CODE.fullmatch(code):
        raise DomainError(
            CoursesErrorCode.INVALID_CODE,
            "A code is 1 to 32 letters, digits, '-', '_' or '.', starting with a letter or digit.",
            field,
        )
    return code


def normalize_name(value: str, *, field: str = "name", max_length: int = 200) -> str:
    """``value`` trimmed, with inner runs of whitespace made one space; 1 to ``max_length``."""
    name = " ".join(value.split())
    if not name or len(name) > max_length:
        raise DomainError(
            CoursesErrorCode.INVALID_NAME,
            f"A name is 1 to {max_length} characters, not only spaces.",
            field,
        )
    return name


def check_credits(value: Decimal | int | str, *, field: str = "credits") -> Decimal:
    """``value`` as credits: 0 to 999.9, at most one decimal place."""
    try:
        credits = Decimal(str(value))
    except InvalidOperation:
        credits = Decimal(-1)
    if (
        not credits.is_finite()
        or credits < 0
        or credits > MAX_CREDITS
        or credits != credits.quantize(Decimal("0.1"))
    ):
        raise DomainError(
            CoursesErrorCode.INVALID_CREDITS,
            f"Credits are between 0 and {MAX_CREDITS}, with at most one decimal place.",
            field,
        )
    return credits.quantize(Decimal("0.1"))


def check_capacity(value: int, *, field: str = "capacity") -> int:
    """``value`` as a section's seat count: 0 to :data:`MAX_CAPACITY`."""
    if value < 0 or value > MAX_CAPACITY:
        raise DomainError(
            CoursesErrorCode.INVALID_CAPACITY,
            f"A capacity is between 0 and {MAX_CAPACITY} seats.",
            field,
        )
    return value
