"""Progress of a long-running job (bulk import, export), as clients poll or subscribe to it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

__all__ = ["JobState", "Progress"]


@strawberry.enum(description="Where a long-running job is in its life.")
class JobState(Enum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@strawberry.type(description="Progress of a long-running job.")
class Progress:
    id: strawberry.ID = strawberry.field(description="Id of the job.")
    state: JobState = strawberry.field(description="Where the job is in its life.")
    processed: int = strawberry.field(default=0, description="Items handled so far.")
    total: int | None = strawberry.field(
        default=None, description="Items to handle in all; null while not known yet."
    )
    succeeded: int = strawberry.field(default=0, description="Items handled successfully.")
    failed: int = strawberry.field(default=0, description="Items that failed.")
    message: str | None = strawberry.field(
        default=None, description="Latest news from the job, readable by people."
    )
    started_at: datetime | None = strawberry.field(
        default=None, description="When the job started running."
    )
    finished_at: datetime | None = strawberry.field(
        default=None, description="When the job finished (succeeded, failed or was cancelled)."
    )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Share of the items handled, 0 to 100; null while the total is unknown."
    )
    def percent(self) -> float | None:
        if self.state is JobState.SUCCEEDED:
            return 100.0
        if not self.total:
            return None
        return round(min(100.0, 100.0 * self.processed / self.total), 1)
