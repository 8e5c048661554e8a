"""Identity's mutations, one module per mutation, named ``<noun>_<verb>.py``.

Each module defines a ``Mutation`` type with its one field (``userInvite``
in ``user_invite.py``), its ``<Name>Input`` and ``<Name>Payload``.
:data:`MUTATIONS` lists them; ``schema.build_schema`` merges them into the
root ``Mutation`` type. Add a mutation with a new module and one line here.
"""

from __future__ import annotations

from subgraphs.identity.schema.mutations import (
    api_key_create,
    api_key_revoke,
    api_key_rotate,
    college_create,
    college_password_policy_update,
    college_update,
    email_template_preview,
    email_template_revert,
    email_template_save,
    invitation_accept,
    login,
    logout,
    password_change,
    password_reset,
    password_reset_request,
    role_create,
    role_delete,
    role_update,
    token_refresh,
    user_activate,
    user_deactivate,
    user_delete,
    user_import_start,
    user_import_upload_create,
    user_invite,
    user_role_assign,
    user_role_remove,
    users_bulk_deactivate,
    users_bulk_delete,
    users_bulk_update,
    users_onboard,
)

__all__ = ["MUTATIONS"]

MUTATIONS: tuple[type, ...] = (
    college_create.Mutation,
    college_update.Mutation,
    user_invite.Mutation,
    user_activate.Mutation,
    user_deactivate.Mutation,
    user_delete.Mutation,
    user_role_assign.Mutation,
    user_role_remove.Mutation,
    users_onboard.Mutation,
    user_import_upload_create.Mutation,
    user_import_start.Mutation,
    login.Mutation,
    token_refresh.Mutation,
    logout.Mutation,
    password_change.Mutation,
    password_reset_request.Mutation,
    password_reset.Mutation,
    invitation_accept.Mutation,
    api_key_create.Mutation,
    api_key_rotate.Mutation,
    api_key_revoke.Mutation,
    role_create.Mutation,
    role_update.Mutation,
    role_delete.Mutation,
    users_bulk_deactivate.Mutation,
    users_bulk_update.Mutation,
    users_bulk_delete.Mutation,
    email_template_save.Mutation,
    email_template_revert.Mutation,
    email_template_preview.Mutation,
    college_password_policy_update.Mutation,
)
"""The root ``Mutation``'s parts: one line per mutation module."""
