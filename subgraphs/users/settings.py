"""Settings of the users service (environment variables ``LMS_USERS_*``).

Read once where the service is built and passed to the functions that need
them; never read at import time.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["UsersSettings"]


class UsersSettings(BaseSettings):
    """Limits of avatar images and the lifetime of their links."""

    model_config = SettingsConfigDict(
        env_prefix="LMS_USERS_", case_sensitive=False, extra="ignore", frozen=True
    )

    avatar_max_bytes: int = Field(
        5 * 1024 * 1024,
        ge=1,
        description="Largest avatar image accepted for upload, in bytes.",
    )
    avatar_max_pixels: int = Field(
        40_000_000,
        ge=1,
        description="Most pixels (width x height) an uploaded avatar may have; larger "
        "images are refused before they are decoded.",
    )
    avatar_size: int = Field(
        512,
        ge=32,
        le=4096,
        description="Side of the square an avatar is cropped and scaled down to, in pixels "
        "(smaller images are cropped, never enlarged).",
    )
    avatar_upload_ttl_seconds: int = Field(
        900, ge=60, description="How long an avatar upload target accepts the file, in seconds."
    )
    avatar_url_ttl_seconds: int = Field(
        300,
        ge=10,
        description="How long a profile's avatar link stays valid, in seconds.",
    )
