"""Error codes of the users domain (stable: never renamed, only added).

Services raise them as :class:`shared.errors.DomainError` (``code``,
``message``, ``field``); authentication, permission and not-found failures
are the shared ``UNAUTHENTICATED`` / ``FORBIDDEN`` / ``NOT_FOUND`` errors.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["UsersErrorCode"]


class UsersErrorCode(Enum):
    # profiles
    INVALID_DISPLAY_NAME = "INVALID_DISPLAY_NAME"
    BIO_TOO_LONG = "BIO_TOO_LONG"
    INVALID_AVATAR_KEY = "INVALID_AVATAR_KEY"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_OFFICE = "INVALID_OFFICE"
    INVALID_PRONOUNS = "INVALID_PRONOUNS"
    INVALID_WEBSITE = "INVALID_WEBSITE"
    # preferences
    UNKNOWN_TIME_ZONE = "UNKNOWN_TIME_ZONE"
    UNKNOWN_LOCALE = "UNKNOWN_LOCALE"
    UNKNOWN_NOTIFICATION_CHANNEL = "UNKNOWN_NOTIFICATION_CHANNEL"
    UNKNOWN_NOTIFICATION_CATEGORY = "UNKNOWN_NOTIFICATION_CATEGORY"
    INVALID_NOTIFICATION_SETTING = "INVALID_NOTIFICATION_SETTING"
    # people search
    SEARCH_TOO_LONG = "SEARCH_TOO_LONG"
    TOO_MANY_ROLES = "TOO_MANY_ROLES"
    # avatars
    AVATAR_TOO_LARGE = "AVATAR_TOO_LARGE"
    AVATAR_TYPE_NOT_ALLOWED = "AVATAR_TYPE_NOT_ALLOWED"
    AVATAR_NOT_UPLOADED = "AVATAR_NOT_UPLOADED"
    AVATAR_NOT_AN_IMAGE = "AVATAR_NOT_AN_IMAGE"
    AVATAR_UNREADABLE = "AVATAR_UNREADABLE"
    AVATAR_TOO_MANY_PIXELS = "AVATAR_TOO_MANY_PIXELS"
