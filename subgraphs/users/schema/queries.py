"""Users' queries: one's own profile, someone's profile, and the people of one's college.

Everything is scoped to the caller's college: another college's profile is
NOT_FOUND, and ``people`` lists the caller's college only.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import NotFoundError
from shared.graphql import (
    AfterCursor,
    Connection,
    HasPermission,
    IsAuthenticated,
    OrderDirection,
    from_global_id,
    ordered,
    paginate,
    permission_field_description,
    require_principal,
)
from subgraphs.users import people, profiles
from subgraphs.users.models import Profile as ProfileRow
from subgraphs.users.models import ProfileKind, ProfileStatus
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema.loaders import profile_by_user_id, viewer_profile
from subgraphs.users.schema.types import Profile

__all__ = ["PeopleFilter", "PeopleOrder", "PeopleOrderField", "Query"]


@strawberry.input(description="Which people to list; every given condition must hold.")
class PeopleFilter:
    search: str | None = strawberry.field(
        default=None,
        description=f"Part of the display name, any case (at most {people.MAX_SEARCH} "
        "characters; longer is SEARCH_TOO_LONG).",
    )
    roles: list[str] | None = strawberry.field(
        default=None,
        description=f"Holders of any of these role keys (`teacher`, `student`...; at most "
        f"{people.MAX_ROLES}).",
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Members of this `Department` (global id)."
    )
    status: ProfileStatus | None = strawberry.field(
        default=None,
        description="Only this status. Non-staff only ever see ACTIVE people: any other "
        "status gives them an empty list.",
    )
    batch_id: strawberry.ID | None = strawberry.field(
        default=None, description="Students of this `Batch` (global id)."
    )
    kind: ProfileKind | None = strawberry.field(default=None, description="Only staff or students.")

    def to_domain(self) -> people.PeopleFilter:
        return people.PeopleFilter(
            search=self.search,
            roles=tuple(self.roles or ()),
            department_id=(
                from_global_id(self.department_id, expected_type="Department", field="departmentId")
                if self.department_id is not None
                else None
            ),
            status=self.status,
            batch_id=(
                from_global_id(self.batch_id, expected_type="Batch", field="batchId")
                if self.batch_id is not None
                else None
            ),
            kind=self.kind,
        )


@strawberry.enum(description="What people can be ordered by.")
class PeopleOrderField(Enum):
    DISPLAY_NAME = "display_name"
    CREATED_AT = "created_at"


@strawberry.input(description="Order of a list of people.")
class PeopleOrder:
    field: PeopleOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending (the default) or descending."
    )


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="The caller's own profile, with every detail and its visibility; null "
        "for API keys and accounts without a profile. Requires authentication.",
    )
    async def my_profile(self, info: Info) -> Profile | None:
        principal = require_principal(info)
        if principal.user_id is None:
            return None
        async with api_of(info).database.session() as session:
            try:
                view = await profiles.get_profile(
                    session, viewer=principal, user_id=principal.user_id
                )
            except NotFoundError:
                return None
        return Profile.from_view(view)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="One person's profile: one's own, or one of one's college with "
        "`profile:read` (FORBIDDEN without it). Another college's, or an unknown id, is "
        "NOT_FOUND.",
    )
    async def profile(
        self,
        info: Info,
        user_id: Annotated[
            strawberry.ID, strawberry.argument(description="Global id of the `User`.")
        ],
    ) -> Profile:
        principal = require_principal(info)
        local = from_global_id(user_id, expected_type="User", field="userId")
        async with api_of(info).database.session() as session:
            view = await profiles.get_profile(session, viewer=principal, user_id=local)
        return Profile.from_view(view)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(profiles.READ_PERMISSION)],
        description=permission_field_description(
            "The people of the caller's college, by name unless `orderBy` says otherwise; "
            "pages of at most 100 (default 20). Staff see every status; everyone else sees "
            "active people only. Contact details follow each one's visibility.",
            profiles.READ_PERMISSION,
        ),
    )
    async def people(
        self,
        info: Info,
        filter: Annotated[
            PeopleFilter | None, strawberry.argument(description="Conditions people must meet.")
        ] = None,
        order_by: Annotated[
            PeopleOrder | None,
            strawberry.argument(description="Order; default: by display name, A to Z."),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size from the start (max 100).")
        ] = None,
        after: AfterCursor = None,
        last: Annotated[
            int | None, strawberry.argument(description="Page size from the end (max 100).")
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="Cursor to page backward from.")
        ] = None,
        college_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Global id of another college: platform super-admins only "
                "(FORBIDDEN for others). Default: the caller's college."
            ),
        ] = None,
    ) -> Connection[Profile]:
        principal = require_principal(info)
        own = await viewer_profile(info)
        statement = people.people_query(
            viewer=principal,
            viewer_profile=own,
            filter=filter.to_domain() if filter else None,
            college_id=(
                from_global_id(college_id, expected_type="College", field="collegeId")
                if college_id is not None
                else None
            ),
        )
        field = (
            people.PeopleOrder(order_by.field.value)
            if order_by
            else people.PeopleOrder.DISPLAY_NAME
        )
        direction = order_by.direction if order_by else OrderDirection.ASC
        async with api_of(info).database.session() as session:
            page = await paginate(
                session,
                statement,
                order_by=[ordered(people.order_key(field), direction)],
                first=first,
                after=after,
                last=last,
                before=before,
            )
        loader = profile_by_user_id(info)

        def node(row: ProfileRow) -> Profile:
            loader.prime(row.user_id, row)
            view = profiles.view_as(principal, row, own)
            assert view is not None, "people_query lists only profiles the viewer may see"
            return Profile.from_view(view)

        return Connection.from_page(page, node)
