"""Settings of the identity service (environment variables ``LMS_IDENTITY_*``).

Read once where the service is built and passed to the service functions
that need them; never read at import time.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_INVITATION_URL", "IdentitySettings"]

DEFAULT_INVITATION_URL = "http://localhost:8000/invitation?token={token}"


class IdentitySettings(BaseSettings):
    """Lifetimes and retention of identity data, and the limits of account imports."""

    model_config = SettingsConfigDict(
        env_prefix="LMS_IDENTITY_", case_sensitive=False, extra="ignore", frozen=True
    )

    invitation_url: str = Field(
        DEFAULT_INVITATION_URL,
        pattern=r"\{token\}",
        description="The link an invitation email carries; ``{token}`` is replaced.",
    )
    invitation_ttl_hours: int = Field(
        168, ge=1, description="How long an invitation link stays valid, in hours."
    )
    account_retention_days: int = Field(
        30,
        ge=0,
        description="How long a deleted account is kept (restorable) before it is purged.",
    )
    purge_interval_seconds: int = Field(
        3600,
        ge=1,
        description="How often the account-purge worker removes accounts past their "
        "retention, in seconds.",
    )

    import_max_bytes: int = Field(
        10 * 1024 * 1024,
        ge=1,
        description="Largest CSV file accepted for an account import, in bytes.",
    )
    import_stale_after_seconds: int = Field(
        600,
        ge=1,
        description="A running import not heard from for this long is taken over by a runner.",
    )
    import_poll_interval_seconds: float = Field(
        5.0,
        gt=0,
        description="How often the import worker looks for waiting jobs, in seconds "
        "(it also wakes at once when an import is started).",
    )

    api_key_max_lifetime_days: int = Field(
        365, ge=1, description="The longest an API key may be made valid for, in days."
    )
    api_key_rotation_grace_hours: int = Field(
        24,
        ge=0,
        description="How long an API key's previous secret keeps working after a rotation.",
    )

    refresh_token_ttl_days: int = Field(
        30,
        ge=1,
        description="How long a refresh token stays valid, in days; each refresh starts it again.",
    )
    session_max_days: int = Field(
        90,
        ge=1,
        description="The longest a session lives from its sign-in, in days, however often it "
        "is refreshed; then the person signs in again.",
    )
    refresh_reuse_grace_seconds: int = Field(
        10,
        ge=0,
        description=(
            "A refresh token presented again within this many seconds of its rotation is "
            "refused without ending its session (a client's retry); later, it ends the session."
        ),
    )
    password_reset_ttl_minutes: int = Field(
        60, ge=5, description="How long a password-reset link stays valid, in minutes."
    )
    password_reset_max_per_account: int = Field(
        3,
        ge=1,
        description="Password-reset emails one college and email may ask for per window; "
        "further requests get the same answer and send nothing.",
    )
    password_reset_max_per_address: int = Field(
        20,
        ge=1,
        description="Password-reset requests one client address may make per window.",
    )
    password_reset_window_minutes: int = Field(
        60, ge=1, description="The window of the password-reset limits, in minutes."
    )
    password_reset_url: str = Field(
        "http://localhost:8000/password-reset?token={token}",
        pattern=r"\{token\}",
        description="The link a password-reset email carries; ``{token}`` is replaced.",
    )

    @property
    def refresh_token_ttl(self) -> timedelta:
        return timedelta(days=self.refresh_token_ttl_days)

    @property
    def session_max_lifetime(self) -> timedelta:
        return timedelta(days=self.session_max_days)

    @property
    def refresh_reuse_grace(self) -> timedelta:
        return timedelta(seconds=self.refresh_reuse_grace_seconds)

    @property
    def password_reset_ttl(self) -> timedelta:
        return timedelta(minutes=self.password_reset_ttl_minutes)

    @property
    def invitation_ttl(self) -> timedelta:
        return timedelta(hours=self.invitation_ttl_hours)

    @property
    def account_retention(self) -> timedelta:
        return timedelta(days=self.account_retention_days)

    @property
    def api_key_max_lifetime(self) -> timedelta:
        return timedelta(days=self.api_key_max_lifetime_days)

    @property
    def api_key_rotation_grace(self) -> timedelta:
        return timedelta(hours=self.api_key_rotation_grace_hours)

    @property
    def import_stale_after(self) -> timedelta:
        return timedelta(seconds=self.import_stale_after_seconds)
