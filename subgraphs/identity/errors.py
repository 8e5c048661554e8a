"""Error codes of the identity domain (stable: never renamed, only added).

Services raise them as :class:`shared.errors.DomainError` (``code``,
``message``, ``field``); the GraphQL layer turns them into payload errors.
Authentication and permission failures are not codes here: they are the
shared ``UNAUTHENTICATED`` / ``FORBIDDEN`` errors.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["IdentityErrorCode"]


class IdentityErrorCode(Enum):
    # colleges
    COLLEGE_SLUG_TAKEN = "COLLEGE_SLUG_TAKEN"
    INVALID_SLUG = "INVALID_SLUG"
    INVALID_NAME = "INVALID_NAME"
    INVALID_COLLEGE_SETTINGS = "INVALID_COLLEGE_SETTINGS"
    COLLEGE_SUSPENDED = "COLLEGE_SUSPENDED"
    # accounts
    DUPLICATE_EMAIL = "DUPLICATE_EMAIL"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_ACCOUNT_KIND = "INVALID_ACCOUNT_KIND"
    INVALID_DEPARTMENT = "INVALID_DEPARTMENT"
    ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED"
    ACCOUNT_ALREADY_ACTIVE = "ACCOUNT_ALREADY_ACTIVE"
    INVITATION_NOT_ACCEPTED = "INVITATION_NOT_ACCEPTED"
    CANNOT_CHANGE_SELF = "CANNOT_CHANGE_SELF"
    # roles and permissions
    UNKNOWN_ROLE = "UNKNOWN_ROLE"
    UNKNOWN_PERMISSION = "UNKNOWN_PERMISSION"
    ROLE_NOT_ASSIGNABLE = "ROLE_NOT_ASSIGNABLE"
    INVALID_ROLE_KEY = "INVALID_ROLE_KEY"
    ROLE_KEY_TAKEN = "ROLE_KEY_TAKEN"
    ROLE_NOT_EDITABLE = "ROLE_NOT_EDITABLE"
    ROLE_IN_USE = "ROLE_IN_USE"
    # API keys
    INVALID_SCOPES = "INVALID_SCOPES"
    INVALID_EXPIRY = "INVALID_EXPIRY"
    API_KEY_REVOKED = "API_KEY_REVOKED"
    API_KEY_EXPIRED = "API_KEY_EXPIRED"
    # bulk changes (per item)
    UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"
    DUPLICATE_ITEM = "DUPLICATE_ITEM"
    # one-time tokens (invitations, password resets)
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_ALREADY_USED = "TOKEN_ALREADY_USED"
    # bulk onboarding and CSV import
    REQUIRED_FIELD = "REQUIRED_FIELD"
    ROLE_NOT_GRANTABLE = "ROLE_NOT_GRANTABLE"
    IMPORT_FILE_NOT_FOUND = "IMPORT_FILE_NOT_FOUND"
    IMPORT_FILE_TOO_LARGE = "IMPORT_FILE_TOO_LARGE"
