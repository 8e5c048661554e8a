"""``preferencesUpdate``: one's own locale, time zone and notification choices."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.errors import NotFoundError
from shared.graphql import IsAuthenticated, check_list_size, require_principal
from subgraphs.users import preferences
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema._mutation import run
from subgraphs.users.schema.types import Preferences, UsersError

__all__ = [
    "Mutation",
    "NotificationSettingInput",
    "PreferencesUpdateInput",
    "PreferencesUpdatePayload",
]


@strawberry.input(description="Turn one kind of notification on or off for one channel.")
class NotificationSettingInput:
    channel: str = strawberry.field(
        description="`email`, `sms`, `push` or `in_app` (UNKNOWN_NOTIFICATION_CHANNEL)."
    )
    category: str = strawberry.field(
        description="`announcements`, `assignments`, `grades`, `chat` or `account` "
        "(UNKNOWN_NOTIFICATION_CATEGORY)."
    )
    enabled: bool = strawberry.field(description="Whether it is sent.")


@strawberry.input(description="The preferences to change; left out: unchanged.")
class PreferencesUpdateInput:
    locale: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="`en` or `pt-BR` style (UNKNOWN_LOCALE); null: the college's.",
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="An IANA zone such as `Europe/Dublin` (UNKNOWN_TIME_ZONE); null: the "
        "college's.",
    )
    notifications: list[NotificationSettingInput] | None = strawberry.field(
        default=None,
        description="Choices to change (at most 100); the others stay as they are.",
    )

    def changes(self) -> dict[str, Any]:
        given: dict[str, Any] = {}
        if self.locale is not strawberry.UNSET:
            given["locale"] = self.locale
        if self.time_zone is not strawberry.UNSET:
            given["time_zone"] = self.time_zone
        if self.notifications:
            check_list_size(self.notifications, field="notifications")
            chosen: dict[str, dict[str, bool]] = {}
            for setting in self.notifications:
                chosen.setdefault(setting.channel, {})[setting.category] = setting.enabled
            given["notifications"] = chosen
        return given


@strawberry.type(description="The new preferences, or why nothing changed.")
class PreferencesUpdatePayload:
    preferences: Preferences | None = strawberry.field(description="Null on errors.")
    errors: list[UsersError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix; nothing was changed when there are any."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Change the caller's own preferences (nobody changes anyone else's). "
        "Writes `profile.preferences_updated` when something changed.",
    )
    async def preferences_update(
        self,
        info: Info,
        input: Annotated[PreferencesUpdateInput, strawberry.argument(description="The changes.")],
    ) -> PreferencesUpdatePayload:
        principal = require_principal(info)
        api = api_of(info)
        if principal.user_id is None:
            raise NotFoundError("No preferences: only people have preferences.")
        user_id = principal.user_id
        changes = input.changes()

        async def update() -> Preferences:
            async with api.database.transaction() as session:
                view = await preferences.set_preferences(
                    session,
                    actor=principal,
                    user_id=user_id,
                    on_commit=api.notify_outbox,
                    **changes,
                )
            return Preferences.from_view(view)

        return await run(PreferencesUpdatePayload, update)
