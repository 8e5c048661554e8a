"""A college's password policy, and checking a new password against it.

:class:`PasswordPolicy` is what a college admin edits and what is stored (as
JSON) on the college; keys left out of the stored object take the defaults,
so ``{}`` is the platform's default policy. :func:`check_password` returns
*every* rule a new password breaks, each a :class:`~shared.errors.DomainError`
with a stable :class:`PasswordErrorCode`, ``field="password"`` and a message
naming the rule and its parameter, ready for a payload's
``errors { field code message }``.

The defaults follow NIST SP 800-63B: length over composition (12 characters,
no character classes required), no expiry, common and personal passwords
refused. Colleges may ask for more.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any

from argon2 import PasswordHasher

from shared.errors import DomainError, DomainErrors
from subgraphs.identity.passwords import DEFAULT_HASHER, normalize_password, verify_password

__all__ = [
    "CharacterClass",
    "PasswordErrorCode",
    "PasswordPolicy",
    "PolicyErrorCode",
    "check_password",
    "is_common_password",
]

MIN_LENGTH_RANGE = (8, 128)
MAX_LENGTH_RANGE = (64, 1024)  # NIST: allow at least 64 characters
HISTORY_COUNT_RANGE = (0, 24)
MAX_AGE_DAYS_RANGE = (1, 3650)
PERSONAL_TOKEN_MIN = 4
"""Parts of a name or email shorter than this are not looked for (``al`` in ``royal``)."""


class PasswordErrorCode(Enum):
    """Why a new password was refused (stable: never renamed, only added)."""

    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"
    PASSWORD_TOO_LONG = "PASSWORD_TOO_LONG"
    PASSWORD_MISSING_CHARACTER_CLASSES = "PASSWORD_MISSING_CHARACTER_CLASSES"
    PASSWORD_REUSED = "PASSWORD_REUSED"
    PASSWORD_TOO_COMMON = "PASSWORD_TOO_COMMON"
    PASSWORD_CONTAINS_PERSONAL_DATA = "PASSWORD_CONTAINS_PERSONAL_DATA"


class PolicyErrorCode(Enum):
    """Why a password policy an admin submitted was refused (stable)."""

    POLICY_VALUE_OUT_OF_RANGE = "POLICY_VALUE_OUT_OF_RANGE"
    POLICY_INVALID_VALUE = "POLICY_INVALID_VALUE"
    POLICY_UNKNOWN_SETTING = "POLICY_UNKNOWN_SETTING"


class CharacterClass(Enum):
    """A kind of character a policy may require."""

    LOWER = "lower"
    UPPER = "upper"
    DIGIT = "digit"
    SYMBOL = "symbol"

    @property
    def label(self) -> str:
        return _CLASS_LABELS[self]

    def occurs_in(self, password: str) -> bool:
        """Whether ``password`` has a character of this class (any script's letters count)."""
        if self is CharacterClass.LOWER:
            return any(c.islower() for c in password)
        if self is CharacterClass.UPPER:
            return any(c.isupper() for c in password)
        if self is CharacterClass.DIGIT:
            return any(c.isdigit() for c in password)
        return any(not c.isalnum() for c in password)  # symbols, punctuation, spaces


_CLASS_LABELS = {
    CharacterClass.LOWER: "lower-case letter",
    CharacterClass.UPPER: "upper-case letter",
    CharacterClass.DIGIT: "digit",
    CharacterClass.SYMBOL: "symbol",
}
ALL_CLASSES = frozenset(CharacterClass)


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """The rules a college's new passwords must follow.

    * ``min_length`` / ``max_length``: in characters (after NFKC normalisation).
    * ``character_classes`` / ``min_character_classes``: the password must use at
      least that many of those classes (``3`` of lower, upper, digit, symbol).
    * ``history_count``: it may not be one of the account's last N passwords.
    * ``max_age_days``: a password expires that many days after it was set;
      ``None`` never.
    * ``reject_common``: refuse the 30,000 most common passwords, also with
      digits or symbols around them (``Password2024!``).
    * ``reject_personal_data``: refuse passwords containing the email's local
      part or the display name (or a part of them of 4 characters or more).
    """

    min_length: int = 12
    max_length: int = 128
    character_classes: frozenset[CharacterClass] = ALL_CLASSES
    min_character_classes: int = 0
    history_count: int = 5
    max_age_days: int | None = None
    reject_common: bool = True
    reject_personal_data: bool = True

    # -- validation ----------------------------------------------------------
    def problems(self) -> list[DomainError]:
        """What is wrong with this policy (empty when valid), one error per setting."""
        errors: list[DomainError] = []

        def out_of_range(name: str, value: int, low: int, high: int) -> None:
            if not low <= value <= high:
                errors.append(
                    DomainError(
                        PolicyErrorCode.POLICY_VALUE_OUT_OF_RANGE,
                        f"{name} must be between {low} and {high}, got {value}.",
                        field=_camel(name),
                    )
                )

        out_of_range("min_length", self.min_length, *MIN_LENGTH_RANGE)
        out_of_range("max_length", self.max_length, *MAX_LENGTH_RANGE)
        if self.max_length < self.min_length:
            errors.append(
                DomainError(
                    PolicyErrorCode.POLICY_VALUE_OUT_OF_RANGE,
                    f"max_length ({self.max_length}) must not be less than "
                    f"min_length ({self.min_length}).",
                    field="maxLength",
                )
            )
        out_of_range(
            "min_character_classes", self.min_character_classes, 0, len(self.character_classes)
        )
        out_of_range("history_count", self.history_count, *HISTORY_COUNT_RANGE)
        if self.max_age_days is not None:
            out_of_range("max_age_days", self.max_age_days, *MAX_AGE_DAYS_RANGE)
        return errors

    def validate(self) -> PasswordPolicy:
        """``self`` if valid; else raise :class:`DomainErrors` listing every problem."""
        errors = self.problems()
        if errors:
            raise DomainErrors(errors)
        return self

    # -- JSON ----------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The policy as stored on the college (every setting, JSON types only)."""
        return {
            "min_length": self.min_length,
            "max_length": self.max_length,
            "character_classes": [c.value for c in CharacterClass if c in self.character_classes],
            "min_character_classes": self.min_character_classes,
            "history_count": self.history_count,
            "max_age_days": self.max_age_days,
            "reject_common": self.reject_common,
            "reject_personal_data": self.reject_personal_data,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PasswordPolicy:
        """The policy a stored (or submitted) object describes; missing keys take defaults.

        Raises :class:`DomainErrors` naming every unknown key, wrongly typed value
        and value out of range.
        """
        known = {f.name for f in fields(cls)}
        errors: list[DomainError] = [
            DomainError(
                PolicyErrorCode.POLICY_UNKNOWN_SETTING,
                f"{key!r} is not a password policy setting; known: {', '.join(sorted(known))}.",
                field=_camel(str(key)),
            )
            for key in data
            if key not in known
        ]
        values: dict[str, Any] = {}
        for name in known & set(data):
            value, error = _parse_setting(name, data[name])
            if error is not None:
                errors.append(
                    DomainError(PolicyErrorCode.POLICY_INVALID_VALUE, error, field=_camel(name))
                )
            else:
                values[name] = value
        if errors:
            raise DomainErrors(errors)
        return cls(**values).validate()

    # -- expiry --------------------------------------------------------------
    def expires_at(self, changed_at: datetime) -> datetime | None:
        """When a password set at ``changed_at`` expires; ``None`` if it never does."""
        if self.max_age_days is None:
            return None
        return changed_at + timedelta(days=self.max_age_days)

    def has_expired(self, changed_at: datetime, *, now: datetime) -> bool:
        """Whether a password set at ``changed_at`` has expired at ``now``."""
        expiry = self.expires_at(changed_at)
        return expiry is not None and now >= expiry


def check_password(
    policy: PasswordPolicy,
    password: str,
    *,
    email: str | None = None,
    display_name: str | None = None,
    previous_hashes: Sequence[str] = (),
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> list[DomainError]:
    """Every rule of ``policy`` that ``password`` breaks (empty: acceptable).

    ``previous_hashes`` are the account's password hashes, newest first (the
    current one included); the first ``policy.history_count`` are compared, each
    comparison costing one hash verification. Run it in a worker thread from
    request handlers (``asyncio.to_thread``).
    """
    text = normalize_password(password)
    errors: list[DomainError] = []

    def fail(code: PasswordErrorCode, message: str) -> None:
        errors.append(DomainError(code, message, field="password"))

    if len(text) < policy.min_length:
        fail(
            PasswordErrorCode.PASSWORD_TOO_SHORT,
            f"The password must be at least {policy.min_length} characters long.",
        )
    if len(text) > policy.max_length:
        fail(
            PasswordErrorCode.PASSWORD_TOO_LONG,
            f"The password must be at most {policy.max_length} characters long.",
        )
    present = [c for c in CharacterClass if c in policy.character_classes and c.occurs_in(text)]
    if len(present) < policy.min_character_classes:
        kinds = ", ".join(c.label for c in CharacterClass if c in policy.character_classes)
        fail(
            PasswordErrorCode.PASSWORD_MISSING_CHARACTER_CLASSES,
            f"The password must use at least {policy.min_character_classes} of these kinds "
            f"of character: {kinds} (it uses {len(present)}).",
        )
    if policy.reject_common and is_common_password(text):
        fail(
            PasswordErrorCode.PASSWORD_TOO_COMMON,
            "The password is one of the most common passwords (or one with digits or "
            "symbols added); choose one that is harder to guess.",
        )
    if policy.reject_personal_data and _contains_personal_data(text, email, display_name):
        fail(
            PasswordErrorCode.PASSWORD_CONTAINS_PERSONAL_DATA,
            "The password must not contain your email name or your display name.",
        )
    if policy.history_count and len(text) <= policy.max_length:
        recent = previous_hashes[: policy.history_count]
        if any(verify_password(h, text, hasher=hasher).matched for h in recent):
            fail(
                PasswordErrorCode.PASSWORD_REUSED,
                f"The password is one of the last {policy.history_count} passwords of this "
                "account; choose a new one.",
            )
    return errors


@cache
def _common_passwords() -> frozenset[str]:
    from subgraphs.identity._common_passwords import COMMON_PASSWORDS_TEXT

    return frozenset(COMMON_PASSWORDS_TEXT.split())


_AFFIXES = string.digits + string.punctuation + " "


def is_common_password(password: str) -> bool:
    """Whether ``password``, ignoring case and digits or symbols around it, is common."""
    lowered = normalize_password(password).casefold()
    common = _common_passwords()
    core = lowered.strip(_AFFIXES)
    return lowered in common or (len(core) >= PERSONAL_TOKEN_MIN and core in common)


def _contains_personal_data(password: str, email: str | None, display_name: str | None) -> bool:
    lowered = password.casefold()
    return any(token in lowered for token in _personal_tokens(email, display_name))


def _personal_tokens(email: str | None, display_name: str | None) -> set[str]:
    """The email's local part and the display name, whole and in parts, lower-cased."""
    sources: list[str] = []
    if email:
        sources.append(normalize_password(email).rpartition("@")[0] or email)
    if display_name:
        sources.append(normalize_password(display_name))
    tokens: set[str] = set()
    for source in sources:
        lowered = source.casefold()
        parts = _split_words(lowered)
        tokens.update(parts)
        tokens.add("".join(parts))
    return {t for t in tokens if len(t) >= PERSONAL_TOKEN_MIN}


def _split_words(text: str) -> list[str]:
    words, current = [], []
    for char in text:
        if char.isalnum():
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _parse_setting(name: str, value: Any) -> tuple[Any, str | None]:
    """The setting's value in Python types, or an error message naming what was expected."""
    if name in ("reject_common", "reject_personal_data"):
        if isinstance(value, bool):
            return value, None
        return None, f"{name} must be true or false, got {value!r}."
    if name == "character_classes":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, f"{name} must be a list of: {_class_names()}."
        unknown = [v for v in value if v not in {c.value for c in CharacterClass}]
        if unknown:
            return None, f"{name} has unknown classes {unknown}; known: {_class_names()}."
        return frozenset(CharacterClass(v) for v in value), None
    if name == "max_age_days" and value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int):
        suffix = " or null" if name == "max_age_days" else ""
        return None, f"{name} must be a whole number{suffix}, got {value!r}."
    return value, None


def _class_names() -> str:
    return ", ".join(c.value for c in CharacterClass)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
