"""Normal forms of emails, names and slugs, and the errors for what has none."""

from __future__ import annotations

import pytest

from shared.errors import DomainError
from subgraphs.identity.validation import normalize_email, normalize_name, normalize_slug


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Ada@Example.EDU", "ada@example.edu"),
        ("  first.last+tag@mail.example.ac.uk ", "first.last+tag@mail.example.ac.uk"),
        ("o'brien@example.ie", "o'brien@example.ie"),
    ],
)
def test_emails_are_trimmed_and_lower_cased(raw: str, normal: str) -> None:
    assert normalize_email(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "no-at-sign",
        "@example.edu",
        "a@",
        "a@localhost",
        "a..b@example.edu",
        "a@-example.edu",
        "a@example.e1",
        f"{'x' * 65}@example.edu",
        f"a@{'d' * 250}.edu",
    ],
)
def test_implausible_emails_are_refused(raw: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalize_email(raw, field="admin_email")
    assert (caught.value.code_name, caught.value.field) == ("INVALID_EMAIL", "admin_email")


def test_names_collapse_whitespace_and_have_limits() -> None:
    assert normalize_name("  Ada \t Lovelace ", field="name") == "Ada Lovelace"
    for bad in ("", "   ", "x" * 201, "bell\x07"):
        with pytest.raises(DomainError) as caught:
            normalize_name(bad, field="name")
        assert caught.value.code_name == "INVALID_NAME"


@pytest.mark.parametrize("slug", ["nv", "north-valley", "college-2024", "a1"])
def test_valid_slugs(slug: str) -> None:
    assert normalize_slug(slug) == slug


@pytest.mark.parametrize(
    "slug", ["n", "North", "north_valley", "-north", "north-", "a--b", "x" * 64, "www"]
)
def test_invalid_slugs(slug: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalize_slug(slug)
    assert (caught.value.code_name, caught.value.field) == ("INVALID_SLUG", "slug")
