"""``collegePasswordPolicyUpdate``: a college admin changes the college's password policy."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, check_list_size, require_principal
from subgraphs.identity import colleges
from subgraphs.identity.password_policy import CharacterClass
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.templates import college_id_of
from subgraphs.identity.schema.types import College, IdentityError, PasswordCharacterClass

__all__ = ["CollegePasswordPolicyUpdateInput", "CollegePasswordPolicyUpdatePayload", "Mutation"]


@strawberry.input(
    description="The password policy settings to change; a setting left out (or null, except "
    "`maxAgeDays`) stays as it is. The policy that results is checked as a whole."
)
class CollegePasswordPolicyUpdateInput:
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only. "
        "Default: the caller's college.",
    )
    min_length: int | None = strawberry.field(
        default=None, description="Fewest characters, 8 to 128."
    )
    max_length: int | None = strawberry.field(
        default=None, description="Most characters, 64 to 1024 and not below `minLength`."
    )
    character_classes: list[PasswordCharacterClass] | None = strawberry.field(
        default=None,
        description="The kinds of character counted for `minCharacterClasses`; at most 4 "
        "entries (repeats count once).",
    )
    min_character_classes: int | None = strawberry.field(
        default=None,
        description="How many of `characterClasses` a password must use, 0 to their number.",
    )
    history_count: int | None = strawberry.field(
        default=None, description="Refuse the account's last N passwords, 0 to 24."
    )
    max_age_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Days after which a password expires, 1 to 3650; null: never expires; "
        "left out: unchanged.",
    )
    reject_common: bool | None = strawberry.field(
        default=None, description="Refuse common passwords, also with digits or symbols added."
    )
    reject_personal_data: bool | None = strawberry.field(
        default=None, description="Refuse passwords containing the email's name or display name."
    )

    def to_values(self) -> dict[str, Any]:
        """The settings given, by their stored names, in JSON types."""
        values: dict[str, Any] = {
            "min_length": self.min_length,
            "max_length": self.max_length,
            "min_character_classes": self.min_character_classes,
            "history_count": self.history_count,
            "reject_common": self.reject_common,
            "reject_personal_data": self.reject_personal_data,
        }
        if self.character_classes is not None:
            check_list_size(self.character_classes, field="characterClasses", limit=4)
            given = {c.to_domain() for c in self.character_classes}
            values["character_classes"] = [c.value for c in CharacterClass if c in given]
        given_values = {name: value for name, value in values.items() if value is not None}
        if self.max_age_days is not strawberry.UNSET:
            given_values["max_age_days"] = self.max_age_days
        return given_values


@strawberry.type(description="The college with its password policy as changed.")
class CollegePasswordPolicyUpdatePayload:
    college: College | None = strawberry.field(
        description="The college (`passwordPolicy` holds the policy now in force); null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="One error per broken setting, on its input field: "
        "POLICY_VALUE_OUT_OF_RANGE (the message gives the range; `maxLength` below "
        "`minLength` is reported on `maxLength`), POLICY_INVALID_VALUE, "
        "POLICY_UNKNOWN_SETTING. Nothing is changed when there are errors; empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Change the college's password policy; passwords set from now on must "
        "follow it (existing passwords stay valid until they expire under `maxAgeDays`). "
        "Requires permission `college:update` in that college (college admins; super-admins "
        "in any college). Emits `college.password_policy_changed` when a setting changed.",
    )
    async def college_password_policy_update(
        self,
        info: Info,
        input: Annotated[
            CollegePasswordPolicyUpdateInput,
            strawberry.argument(description="The settings to change."),
        ],
    ) -> CollegePasswordPolicyUpdatePayload:
        principal = require_principal(info)
        api = api_of(info)
        college_id = college_id_of(input.college_id)
        values = input.to_values()

        async def change(session: Any) -> College:
            row = await colleges.update_password_policy(
                session,
                actor=principal,
                college_id=college_id,
                values=values,
                on_commit=api.notify_outbox,
            )
            return College.from_model(row)

        return await run(CollegePasswordPolicyUpdatePayload, lambda: api.in_transaction(change))
