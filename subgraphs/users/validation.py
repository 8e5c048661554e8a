"""Checks of what people type into their profile and preferences, each with its code."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.errors import DomainError
from shared.storage import InvalidKey, validate_key
from subgraphs.users.errors import UsersErrorCode

__all__ = [
    "MAX_BIO",
    "MAX_DISPLAY_NAME",
    "avatar_prefix",
    "check_avatar_key",
    "check_bio",
    "check_display_name",
    "check_locale",
    "check_office",
    "check_phone",
    "check_pronouns",
    "check_time_zone",
    "check_website",
]

MAX_DISPLAY_NAME = 200
MAX_BIO = 2000
MAX_OFFICE = 100
MAX_PRONOUNS = 40
MAX_WEBSITE = 300
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]*")
_PHONE_DIGITS = (7, 15)
_LOCALE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def check_display_name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > MAX_DISPLAY_NAME:
        raise DomainError(
            UsersErrorCode.INVALID_DISPLAY_NAME,
            f"A display name has 1 to {MAX_DISPLAY_NAME} characters.",
            "display_name",
        )
    return name


def check_bio(value: str) -> str:
    bio = value.strip()
    if len(bio) > MAX_BIO:
        raise DomainError(
            UsersErrorCode.BIO_TOO_LONG,
            f"A bio has at most {MAX_BIO} characters; this one has {len(bio)}.",
            "bio",
        )
    return bio


def avatar_prefix(college_id: str, user_id: str) -> str:
    """Where a person's avatar images live in object storage."""
    return f"avatars/{college_id}/{user_id}/"


def check_avatar_key(value: str | None, *, college_id: str, user_id: str) -> str | None:
    if value is None:
        return None
    prefix = avatar_prefix(college_id, user_id)
    try:
        key = validate_key(value)
    except InvalidKey as exc:
        raise DomainError(UsersErrorCode.INVALID_AVATAR_KEY, str(exc), "avatar_key") from exc
    if not key.startswith(prefix) or key == prefix:
        raise DomainError(
            UsersErrorCode.INVALID_AVATAR_KEY,
            f"An avatar is an object under {prefix!r}.",
            "avatar_key",
        )
    return key


def check_phone(value: str | None) -> str | None:
    phone = _blank_to_none(value)
    if phone is None:
        return None
    digits = sum(ch.isdigit() for ch in phone)
    low, high = _PHONE_DIGITS
    if not _PHONE.fullmatch(phone) or not low <= digits <= high or len(phone) > 32:
        raise DomainError(
            UsersErrorCode.INVALID_PHONE,
            f"{phone!r} is not a phone number: {low} to {high} digits, "
            "an optional leading '+', spaces, dots, dashes or brackets.",
            "phone",
        )
    return phone


def check_office(value: str | None) -> str | None:
    office = _blank_to_none(value)
    if office is not None and len(office) > MAX_OFFICE:
        raise DomainError(
            UsersErrorCode.INVALID_OFFICE,
            f"An office has at most {MAX_OFFICE} characters.",
            "office",
        )
    return office


def check_pronouns(value: str | None) -> str | None:
    pronouns = _blank_to_none(value)
    if pronouns is not None and len(pronouns) > MAX_PRONOUNS:
        raise DomainError(
            UsersErrorCode.INVALID_PRONOUNS,
            f"Pronouns have at most {MAX_PRONOUNS} characters.",
            "pronouns",
        )
    return pronouns


def check_website(value: str | None) -> str | None:
    website = _blank_to_none(value)
    if website is None:
        return None
    parts = urlsplit(website)
    host = parts.hostname or ""
    if (
        len(website) > MAX_WEBSITE
        or parts.scheme not in ("http", "https")
        or "." not in host
        or any(ch.isspace() for ch in website)
    ):
        raise DomainError(
            UsersErrorCode.INVALID_WEBSITE,
            f"{website!r} is not a web address: http(s)://host.domain/..., "
            f"at most {MAX_WEBSITE} characters.",
            "website",
        )
    return website


def check_time_zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        valid = bool(value) and ZoneInfo(value) is not None and value != "localtime"
    except (ZoneInfoNotFoundError, ValueError):
        valid = False
    if not valid:
        raise DomainError(
            UsersErrorCode.UNKNOWN_TIME_ZONE,
            f"{value!r} is not an IANA time zone (for example 'Europe/Dublin').",
            "time_zone",
        )
    return value


def check_locale(value: str | None) -> str | None:
    if value is None:
        return None
    if not _LOCALE.fullmatch(value):
        raise DomainError(
            UsersErrorCode.UNKNOWN_LOCALE,
            f"{value!r} is not a locale (for example 'en' or 'pt-BR').",
            "locale",
        )
    return value
