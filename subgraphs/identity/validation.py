"""Checks and normal forms of what people type: emails, names, slugs.

Each function returns the normal form or raises a ``DomainError`` whose
``field`` names the input at fault, so a form can show it next to the field.
"""

from __future__ import annotations

import re

from shared.errors import DomainError
from subgraphs.identity.errors import IdentityErrorCode

__all__ = ["RESERVED_SLUGS", "normalize_email", "normalize_name", "normalize_slug"]

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

RESERVED_SLUGS = frozenset({"admin", "api", "app", "graphql", "platform", "static", "www"})
"""Slugs that would clash with the platform's own paths and host names."""


def normalize_email(value: str, *, field: str = "email") -> str:
    """``value`` trimmed and lower-cased, if it is a plausible address (``INVALID_EMAIL``).

    Plausible: ``local@domain`` with a dot-atom local part of at most 64
    characters, a domain of at least two labels and a top-level label of
    letters, 254 characters in all. Whether the mailbox exists is the
    invitation's job to find out.
    """
    email = value.strip().lower()
    local, sep, domain = email.rpartition("@")
    labels = domain.split(".")
    valid = (
        sep == "@"
        and 0 < len(local) <= 64
        and len(email) <= 254
        and _LOCAL.match(local) is not None
        and len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and labels[-1].isalpha()
    )
    if not valid:
        raise DomainError(
            IdentityErrorCode.INVALID_EMAIL, f"{value.strip()!r} is not an email address.", field
        )
    return email


def normalize_name(value: str, *, field: str, max_length: int = 200) -> str:
    """``value`` with runs of whitespace collapsed; 1 to ``max_length`` characters."""
    name = " ".join(value.split())
    if not name or len(name) > max_length or any(ord(c) < 32 for c in name):
        raise DomainError(
            IdentityErrorCode.INVALID_NAME,
            f"A name must have 1 to {max_length} printable characters.",
            field,
        )
    return name


def normalize_slug(value: str, *, field: str = "slug") -> str:
    """A college slug: 2 to 63 lower-case letters, digits and single hyphens, not reserved."""
    slug = value.strip()
    if not (2 <= len(slug) <= 63) or _SLUG.match(slug) is None:
        raise DomainError(
            IdentityErrorCode.INVALID_SLUG,
            "A slug has 2 to 63 lower-case letters, digits and single hyphens, "
            "and starts and ends with a letter or digit (e.g. 'north-valley').",
            field,
        )
    if slug in RESERVED_SLUGS:
        raise DomainError(IdentityErrorCode.INVALID_SLUG, f"The slug {slug!r} is reserved.", field)
    return slug
