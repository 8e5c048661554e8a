"""Settings of the courses service (environment variables ``LMS_COURSES_*``).

Read once where the service is built and passed to the functions that need
them; never read at import time.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["CALENDAR_PATH", "CoursesSettings"]

CALENDAR_PATH = "/calendar/{token}.ics"
"""Where the service answers a calendar feed (``ServiceSpec.routes``)."""


class CoursesSettings(BaseSettings):
    """The college's default time zone for class meetings, where calendar feeds live, and the
    limits of CSV enrolment imports."""

    model_config = SettingsConfigDict(
        env_prefix="LMS_COURSES_", case_sensitive=False, extra="ignore", frozen=True
    )

    time_zone: str = Field(
        "UTC",
        description="IANA time zone a new class meeting is held in when none is given "
        "(`Asia/Kolkata`, `Europe/Berlin`).",
    )
    calendar_base_url: str = Field(
        "",
        description="Public base URL of the courses service's HTTP routes, used in the "
        "calendar-feed links people subscribe to (`https://api.example.edu`). Empty: the "
        "platform's public URL (`LMS_PUBLIC_URL`, else `http://HOST:PORT`), right for `lms dev`.",
    )

    import_max_bytes: int = Field(
        2 * 1024 * 1024,
        ge=1,
        description="Largest CSV file accepted for an enrolment import, in bytes "
        "(`enrollmentImportUploadCreate`, `enrollmentImport`).",
    )
    import_max_rows: int = Field(
        2000,
        ge=1,
        description="Most data rows an enrolment import file may hold (the header excluded).",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    def calendar_url(self, token: str, *, public_url: str) -> str:
        """The subscribable address of the feed ``token`` (``public_url``: the platform's)."""
        base = (self.calendar_base_url or public_url).rstrip("/")
        return base + CALENDAR_PATH.format(token=token)
