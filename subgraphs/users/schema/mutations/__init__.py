"""Users' mutations, one module per mutation, named ``<noun>_<verb>.py``.

Each module defines a ``Mutation`` type with its one field, its
``<Name>Input`` and ``<Name>Payload``. :data:`MUTATIONS` lists them;
``schema.build_schema`` merges them into the root ``Mutation`` type.
"""

from __future__ import annotations

from subgraphs.users.schema.mutations import (
    avatar_confirm,
    avatar_remove,
    avatar_upload_create,
    preferences_update,
    profile_contact_visibility_set,
    profile_update,
)

__all__ = ["MUTATIONS"]

MUTATIONS: tuple[type, ...] = (
    profile_update.Mutation,
    profile_contact_visibility_set.Mutation,
    preferences_update.Mutation,
    avatar_upload_create.Mutation,
    avatar_confirm.Mutation,
    avatar_remove.Mutation,
)
"""The root ``Mutation``'s parts: one line per mutation module."""
