"""GraphQL helpers every subgraph uses: schema, context, errors, Relay, mutations, loaders."""

from shared.graphql.context import RequestContext, principal_of, require_principal
from shared.graphql.errors import ErrorFormatter, format_error, log_errors
from shared.graphql.loaders import (
    LoaderRegistry,
    rows_by_column_loader,
    rows_grouped_by_column_loader,
)
from shared.graphql.mutations import (
    MAX_LIST_INPUT,
    check_list_size,
    mutate,
    to_user_errors,
    user_error_type,
)
from shared.graphql.permissions import (
    HasPermission,
    IsAuthenticated,
    RejectInvalidCredentials,
    permission_field_description,
)
from shared.graphql.progress import JobState, Progress
from shared.graphql.relay import (
    AfterCursor,
    Connection,
    Edge,
    OrderDirection,
    Page,
    PageInfo,
    PageSize,
    from_global_id,
    ordered,
    paginate,
    paginate_list,
    to_global_id,
)
from shared.graphql.schema import SubgraphSchema, build_subgraph_schema, print_sdl

__all__ = [
    "MAX_LIST_INPUT",
    "AfterCursor",
    "Connection",
    "Edge",
    "ErrorFormatter",
    "HasPermission",
    "IsAuthenticated",
    "JobState",
    "LoaderRegistry",
    "OrderDirection",
    "Page",
    "PageInfo",
    "PageSize",
    "Progress",
    "RejectInvalidCredentials",
    "RequestContext",
    "SubgraphSchema",
    "build_subgraph_schema",
    "check_list_size",
    "format_error",
    "from_global_id",
    "log_errors",
    "mutate",
    "ordered",
    "paginate",
    "paginate_list",
    "permission_field_description",
    "principal_of",
    "print_sdl",
    "require_principal",
    "rows_by_column_loader",
    "rows_grouped_by_column_loader",
    "to_global_id",
    "to_user_errors",
    "user_error_type",
]
