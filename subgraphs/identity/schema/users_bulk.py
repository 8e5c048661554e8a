"""What the bulk account mutations share: ``BulkItemError``, id parsing, the payload's errors.

``usersBulkDeactivate``, ``usersBulkUpdate`` and ``usersBulkDelete`` take up
to :data:`MAX_BULK_ACCOUNTS` user ids and are all or nothing
(:mod:`subgraphs.identity.bulk_accounts`): any invalid item is reported in
``errors`` with its ``index`` in ``ids`` and nothing changes. An id that is
malformed, of another type, unknown, deleted or of another college is that
item's ``UNKNOWN_ACCOUNT``, so one college never learns another's ids.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from shared.errors import BadUserInput, DomainError, DomainErrors, NotFoundError
from shared.graphql import check_list_size, from_global_id, user_error_type
from subgraphs.identity.bulk_accounts import MAX_BULK_ACCOUNTS
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import Account
from subgraphs.identity.schema._mutation import camel
from subgraphs.identity.schema.types import User

__all__ = [
    "IDS_DESCRIPTION",
    "MAX_BULK_ACCOUNTS",
    "BulkItemError",
    "bulk_errors",
    "local_ids",
    "run_bulk",
]

IDS_DESCRIPTION = (
    f"Global ids of the users, at most {MAX_BULK_ACCOUNTS}; each at most once. "
    "All are changed, or none."
)

BulkItemError = user_error_type(
    "BulkItemError",
    IdentityErrorCode,
    description="Why one item of a bulk input cannot be done: `index` is its position (from 0) "
    "in `ids`; null when the problem concerns the whole input.",
    indexed=True,
)

P = TypeVar("P")

_FIELDS = {
    "account_ids": "ids",
    "id": "ids",
    "add_role": "roleToAdd",
    "remove_role": "roleToRemove",
}
_INVALID = "invalid-id:"


def local_ids(ids: Sequence[str]) -> list[str]:
    """The account ids behind ``ids`` (at most 100); a malformed or foreign one stays unknown."""
    check_list_size(ids, field="ids", limit=MAX_BULK_ACCOUNTS)
    parsed: list[str] = []
    for value in ids:
        try:
            parsed.append(from_global_id(value, expected_type="User", field="ids"))
        except (BadUserInput, NotFoundError):
            parsed.append(_INVALID + value)  # matches no account: reported as UNKNOWN_ACCOUNT
    return parsed


def bulk_errors(exc: DomainError | DomainErrors, ids: Sequence[str]) -> list[Any]:
    """The payload's ``BulkItemError`` list, naming the client's own ids and fields."""
    found = exc.errors if isinstance(exc, DomainErrors) else [exc]
    errors: list[Any] = []
    for error in found:
        code = IdentityErrorCode[error.code_name]
        index = error.index
        message = error.message
        if index is not None and 0 <= index < len(ids):
            if code is IdentityErrorCode.UNKNOWN_ACCOUNT:
                message = f"No such user: {ids[index]!r}."
            elif code is IdentityErrorCode.DUPLICATE_ITEM:
                message = f"The user {ids[index]!r} is listed more than once."
        field = _FIELDS.get(error.field or "", camel(error.field))
        errors.append(BulkItemError(index=index, field=field, code=code, message=message))
    return errors


async def run_bulk(
    payload_type: Callable[..., P],
    call: Callable[[], Awaitable[Sequence[Account]]],
    ids: Sequence[str],
) -> P:
    """``payload_type(users=..., errors=[])``, or its per-item errors with ``users`` null."""
    try:
        changed = await call()
    except (DomainError, DomainErrors) as exc:
        return payload_type(users=None, errors=bulk_errors(exc, ids))
    return payload_type(users=[User.from_model(account) for account in changed], errors=[])
