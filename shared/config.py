"""Platform settings, read from ``LMS_*`` environment variables.

One :class:`Settings` object is read once at start-up (``Settings.load()``) and
passed down; nothing reads the environment at import time. The embedded
defaults need no servers at all: SQLite files, an in-memory event bus and
cache, and a local folder for objects, all under ``LMS_DATA_DIR``.

A service may have settings of its own: one more pydantic-settings class
(a *section*, for example ``IdentitySettings`` read from ``LMS_IDENTITY_*``),
declared as ``ServiceSpec.settings``. ``shared`` never imports a service, so
whoever knows the services (the ``lms`` command, from its registry) passes
their section classes to :meth:`Settings.load`; the section's variables are
then known (not refused as typos), validated at start-up with the rest, and
handed out by :meth:`Settings.section`. A section that was not passed is
read on first use from the same variables ``load`` was given.

``docs/configuration.md`` is generated from these classes (``lms settings --markdown``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.http.client_address import parse_networks

__all__ = [
    "ENV_PREFIX",
    "Settings",
    "SettingsError",
    "section_env_names",
    "section_prefix",
]

ENV_PREFIX = "LMS_"

SectionT = TypeVar("SectionT", bound=BaseSettings)


def section_prefix(section: type[BaseSettings]) -> str:
    """The environment prefix of a settings section, such as ``LMS_IDENTITY_``."""
    prefix = str(section.model_config.get("env_prefix") or "").upper()
    if not prefix.startswith(ENV_PREFIX) or prefix == ENV_PREFIX:
        raise ValueError(
            f"settings section {section.__name__} must have an env_prefix starting with "
            f"{ENV_PREFIX} and naming its service (such as LMS_IDENTITY_), not {prefix!r}"
        )
    return prefix


def section_env_names(section: type[BaseSettings]) -> set[str]:
    """Every environment variable a settings section reads."""
    prefix = section_prefix(section)
    return {prefix + name.upper() for name in section.model_fields}


class SettingsError(Exception):
    """A setting is missing, unknown or invalid; the message is one line naming it."""


class Settings(BaseSettings):
    """Every setting of the platform. Environment variable = ``LMS_`` + upper-case name."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, case_sensitive=False, extra="ignore", frozen=True
    )

    _environ: dict[str, str] = PrivateAttr(default_factory=dict)
    _sections: dict[type[BaseSettings], BaseSettings] = PrivateAttr(default_factory=dict)

    # -- general ---------------------------------------------------------------
    environment: Literal["development", "production"] = Field(
        "development",
        description="`development` turns on GraphiQL and readable logs; "
        "`production` turns on JSON logs.",
    )
    data_dir: Path = Field(
        Path(".lms"),
        description="Folder for embedded data: SQLite files, stored objects, signing keys.",
    )
    host: str = Field("127.0.0.1", description="Interface the HTTP server binds to.")
    port: int = Field(4000, ge=0, le=65535, description="Port the HTTP server listens on.")
    public_url: str = Field(
        "",
        description="Base URL clients reach the platform at, used in signed file URLs. "
        "Empty: `http://HOST:PORT`.",
    )
    graphiql: bool | None = Field(
        None, description="Serve GraphiQL to browsers at `/graphql`. Default: on in development."
    )
    trusted_proxies: str = Field(
        "127.0.0.0/8,::1",
        description="Comma-separated addresses or networks (CIDR) of proxies whose "
        "`X-Forwarded-For` is believed: a request from one of them is taken to come from the "
        "rightmost address of that header outside this list. The default, loopback, covers the "
        "in-process gateway of `lms dev`; in a distributed deployment add the gateway's and the "
        "load balancer's networks.",
    )

    # -- relational database ---------------------------------------------------
    database_backend: Literal["sqlite", "postgres"] = Field(
        "sqlite", description="`sqlite` (a file per service in the data folder) or `postgres`."
    )
    database_url: str = Field(
        "postgresql+asyncpg://postgres@127.0.0.1:5432/lms_{service}",
        description="PostgreSQL URL. `{service}` is replaced by the service name, giving a "
        "database per service; without it, all services share one database, each in its own "
        "schema.",
    )
    database_pool_size: int = Field(10, ge=1, description="Connections per service pool.")
    database_echo: bool = Field(False, description="Log every SQL statement.")
    auto_migrate: bool | None = Field(
        None,
        description="Upgrade each service's database to the newest migration at start-up. "
        "Default: on in development; in production run `lms migrate upgrade` instead.",
    )

    # -- events ----------------------------------------------------------------
    events_backend: Literal["memory", "kafka"] = Field(
        "memory", description="`memory` (in-process bus) or `kafka`."
    )
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="Comma-separated Kafka bootstrap servers."
    )
    kafka_client_id: str = Field("lms", description="Client id prefix sent to Kafka.")
    kafka_idempotence: bool = Field(
        True,
        description="Idempotent producer (no duplicates from producer retries). Turn off only "
        "for Kafka-protocol brokers without `InitProducerId`, such as the `tansu` test broker.",
    )
    kafka_session_timeout: float = Field(
        10.0,
        ge=1,
        description="Seconds a consumer may go silent before its group rebalances. Lower "
        "means faster fail-over and joins, higher tolerates longer pauses.",
    )
    outbox_poll_interval: float = Field(
        0.5, gt=0, description="Seconds between outbox relay polls when idle."
    )
    outbox_batch_size: int = Field(
        200, ge=1, le=10000, description="Outbox rows published per relay round."
    )
    outbox_max_backoff: float = Field(
        30.0, gt=0, description="Longest wait, in seconds, between retries when the bus is down."
    )

    # -- object storage --------------------------------------------------------
    storage_backend: Literal["local", "s3"] = Field(
        "local", description="`local` (a folder, signed URLs served by the app) or `s3`."
    )
    storage_dir: Path | None = Field(
        None, description="Folder of the local object store. Default: `DATA_DIR/objects`."
    )
    storage_signing_key: SecretStr | None = Field(
        None,
        description="Secret that signs local file URLs. Default: generated once and kept in "
        "the data folder.",
    )
    storage_url_ttl: int = Field(900, ge=1, description="Lifetime of signed URLs, in seconds.")
    storage_max_upload_bytes: int = Field(
        100 * 1024 * 1024, ge=1, description="Largest object accepted by an upload URL."
    )
    s3_bucket: str = Field("lms", description="S3 bucket holding every object.")
    s3_endpoint_url: str | None = Field(
        None, description="S3 endpoint (MinIO, moto); empty for AWS itself."
    )
    s3_region: str = Field("us-east-1", description="S3 region.")
    s3_access_key_id: str | None = Field(None, description="S3 access key id.")
    s3_secret_access_key: SecretStr | None = Field(None, description="S3 secret access key.")

    # -- cache and pub/sub -----------------------------------------------------
    cache_backend: Literal["memory", "redis"] = Field(
        "memory", description="`memory` (in-process) or `redis`, for the cache and pub/sub."
    )
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis URL.")
    cache_key_prefix: str = Field(
        "lms:",
        description="Prefix of every cache key and pub/sub channel, so that several "
        "deployments can share one Redis.",
    )

    # -- auth ------------------------------------------------------------------
    jwt_issuer: str = Field("lms", description="`iss` of issued tokens; verified on every token.")
    jwt_audience: str = Field("lms", description="`aud` of issued tokens; verified on every token.")
    jwt_algorithm: Literal["ES256", "RS256", "EdDSA"] = Field(
        "ES256", description="Signing algorithm of new keys."
    )
    jwt_access_ttl: int = Field(900, ge=30, description="Lifetime of access tokens, in seconds.")
    jwt_keys_dir: Path | None = Field(
        None, description="Folder of signing keys (PEM). Default: `DATA_DIR/keys`."
    )
    jwks_url: str | None = Field(
        None,
        description="JWKS document to verify tokens with, for services that do not sign. "
        "Empty: the local key folder.",
    )

    internal_token: SecretStr | None = Field(
        None,
        description="Shared secret of the services' internal routes (`/internal/...`, such as "
        "identity's API-key exchange): callers send it in `X-LMS-Internal-Token`. Empty: "
        "only loopback and private-network callers are served (see docs/auth.md).",
    )
    api_key_token_ttl: int = Field(
        300,
        ge=1,
        le=3600,
        description="Lifetime, in seconds, of the access token identity issues for an API "
        "key; the gateway caches it until shortly before it expires, so a revoked key may "
        "work through the gateway for up to this long.",
    )

    # -- login protection ------------------------------------------------------
    login_failure_window: int = Field(
        900,
        ge=1,
        description="Seconds over which failed logins are counted, per account (college and "
        "email, known or not) and per client IP address.",
    )
    login_free_failures: int = Field(
        5,
        ge=0,
        description="Failed logins of one account within the window that cost no wait; each "
        "further failure doubles the wait before the next attempt.",
    )
    login_backoff_base: float = Field(
        1.0, gt=0, description="Seconds of the first wait after the free failures."
    )
    login_backoff_max: float = Field(
        60.0, gt=0, description="Longest wait, in seconds, between two failed logins."
    )
    login_lock_failures: int = Field(
        20,
        ge=1,
        description="Failed logins of one account within the window that lock it for "
        "`LMS_LOGIN_LOCK_DURATION`.",
    )
    login_lock_duration: int = Field(
        900, ge=1, description="Seconds an account or IP address stays locked."
    )
    login_ip_free_failures: int = Field(
        50,
        ge=0,
        description="Failed logins from one IP address (an IPv6 /64) within the window that cost "
        "no wait. Higher than per account: a campus may share one address.",
    )
    login_ip_lock_failures: int = Field(
        500,
        ge=1,
        description="Failed logins from one IP address within the window that lock it for "
        "`LMS_LOGIN_LOCK_DURATION`.",
    )

    # -- outbound email --------------------------------------------------------
    smtp_host: str | None = Field(
        None,
        description="SMTP server that delivers email. Empty: each email is saved as an `.eml` "
        "file under `DATA_DIR/mailbox/` and logged (the `lms dev` default).",
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_username: str | None = Field(
        None, description="User name for SMTP authentication. Empty: no authentication."
    )
    smtp_password: SecretStr | None = Field(None, description="Password for SMTP authentication.")
    smtp_from: str = Field(
        "LMS <no-reply@localhost>",
        description="`From` address of every email, for example `North Valley LMS "
        "<no-reply@lms.example.edu>`.",
    )
    smtp_starttls: bool = Field(
        True,
        description="Upgrade the SMTP connection with STARTTLS (certificate verified) before "
        "authenticating. Turn off only for a local test server.",
    )
    smtp_timeout: float = Field(
        30.0, gt=0, description="Seconds to wait for the SMTP server before giving up."
    )

    # -- observability ---------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Lowest level logged."
    )
    log_format: Literal["text", "json"] | None = Field(
        None, description="`text` or `json`. Default: text in development, JSON in production."
    )
    otlp_endpoint: str | None = Field(
        None, description="OTLP/HTTP endpoint for traces (for example Jaeger's). Empty: off."
    )
    metrics_enabled: bool = Field(True, description="Serve Prometheus metrics at `/metrics`.")

    # -- gateway ---------------------------------------------------------------
    gateway_supergraph: Path | None = Field(
        None,
        description="Supergraph file `lms gateway` serves when `--supergraph` is not given, "
        "and `lms serve gateway` serves (there, default: the committed "
        "`schema/supergraph.graphql`).",
    )
    gateway_subgraph_urls: str = Field(
        "",
        description="Subgraph URLs replacing those in the supergraph, as "
        "`name=url,name=url` (for example `courses=http://courses:8000/graphql`).",
    )
    gateway_subgraph_timeout: float = Field(
        10.0, gt=0, description="Seconds the gateway waits for one subgraph request."
    )
    gateway_deduplicate: bool = Field(
        True,
        description="Send identical concurrent subgraph queries once and share the answer.",
    )
    gateway_plan_cache_size: int = Field(
        1000,
        ge=1,
        description="Query plans kept in memory; parsed and validated documents are kept as many.",
    )
    gateway_workers: int = Field(
        1, ge=1, le=256, description="Worker processes of `lms gateway` (uvicorn workers)."
    )
    gateway_relay_node: bool | None = Field(
        None,
        description="Serve Relay's `node(id:)` and `nodes(ids:)` for every entity keyed by a "
        "global `id: ID!` (see docs/gateway.md). Default: on for the platform's gateway "
        "(`lms dev`, `lms serve gateway`), off for `lms gateway`, which serves any "
        "supergraph with exactly Apollo's API schema.",
    )
    gateway_api_key_exchange_url: str | None = Field(
        None,
        description="Identity's API-key exchange (`http://identity:8000/internal/api-key-token`"
        "): requests carrying an `lms_...` API key get an access token from it. Empty: keys "
        "are not exchanged and subgraphs refuse them (`lms dev` exchanges in process when "
        "identity is registered).",
    )
    gateway_api_key_cache_size: int = Field(
        10_000, ge=1, description="API keys whose exchanged access tokens the gateway keeps."
    )
    gateway_reload_interval: float = Field(
        2.0,
        ge=0,
        description="Seconds between checks of the served supergraph file by `lms gateway` and "
        "`lms serve gateway`; a changed file that loads is swapped in without dropping a "
        "request. 0 turns reloading off.",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        parse_networks(value)
        return value

    @field_validator("gateway_subgraph_urls")
    @classmethod
    def _check_subgraph_urls(cls, value: str) -> str:
        _subgraph_url_pairs(value)
        return value

    # -- derived values --------------------------------------------------------
    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def graphiql_enabled(self) -> bool:
        return self.is_development if self.graphiql is None else self.graphiql

    @property
    def auto_migrate_enabled(self) -> bool:
        return self.is_development if self.auto_migrate is None else self.auto_migrate

    @property
    def effective_log_format(self) -> str:
        if self.log_format is not None:
            return self.log_format
        return "text" if self.is_development else "json"

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def effective_storage_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "objects"

    @property
    def effective_jwt_keys_dir(self) -> Path:
        return self.jwt_keys_dir or self.data_dir / "keys"

    @property
    def effective_mailbox_dir(self) -> Path:
        """Folder the mailbox mailer writes emails to when no SMTP server is set."""
        return self.data_dir / "mailbox"

    @property
    def gateway_subgraph_url_overrides(self) -> dict[str, str]:
        """``gateway_subgraph_urls`` as a mapping of subgraph name to URL."""
        return _subgraph_url_pairs(self.gateway_subgraph_urls)

    # -- loading ---------------------------------------------------------------
    @classmethod
    def env_names(cls) -> set[str]:
        """Every environment variable this class reads."""
        return {ENV_PREFIX + name.upper() for name in cls.model_fields}

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        sections: Iterable[type[BaseSettings]] = (),
        **overrides: Any,
    ) -> Settings:
        """Read settings from ``environ`` (default: the process environment).

        ``sections`` are the services' own settings classes: their variables
        are accepted and each is read and validated now, from the same
        ``environ``. Raises :class:`SettingsError` with one line naming the
        setting at fault, for an invalid value and for an ``LMS_*`` variable
        that is no setting at all (a typo would otherwise be ignored silently).
        """
        env = {
            k.upper(): v
            for k, v in (os.environ if environ is None else environ).items()
            if k.upper().startswith(ENV_PREFIX) and not k.upper().startswith("LMS_TEST_")
        }
        sections = tuple(dict.fromkeys(sections))
        known = cls.env_names()
        for section in sections:
            names = section_env_names(section)
            if clash := sorted(names & known):
                raise ValueError(f"settings section {section.__name__} redefines {clash[0]}")
            known |= names
        unknown = sorted(k for k in env if k not in known)
        if unknown:
            raise SettingsError(
                f"unknown setting {unknown[0]}: no such LMS_ variable "
                "(see docs/configuration.md for the list)"
            )
        values = _values(env, ENV_PREFIX, cls.env_names())
        values.update(overrides)
        try:
            settings = cls.model_validate(values)
        except ValidationError as exc:
            raise SettingsError(_one_line(exc, ENV_PREFIX)) from None
        settings._environ = env
        for section in sections:
            settings.section(section)
        return settings

    def section(self, section: type[SectionT]) -> SectionT:
        """The settings of one service (``ServiceSpec.settings``), read once.

        Sections passed to :meth:`load` were read there; any other is read
        now from the variables ``load`` was given, then kept.
        """
        loaded = self._sections.get(section)
        if loaded is None:
            prefix = section_prefix(section)
            try:
                loaded = section.model_validate(
                    _values(self._environ, prefix, section_env_names(section))
                )
            except ValidationError as exc:
                raise SettingsError(_one_line(exc, prefix)) from None
            self._sections[section] = loaded
        assert isinstance(loaded, section)
        return loaded

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some settings changed, validated like the original (sections kept)."""
        try:
            copy = type(self).model_validate({**self.model_dump(), **changes})
        except ValidationError as exc:
            raise SettingsError(_one_line(exc, ENV_PREFIX)) from None
        copy._environ = dict(self._environ)
        copy._sections = dict(self._sections)
        return copy


def _values(env: Mapping[str, str], prefix: str, names: set[str]) -> dict[str, Any]:
    """The non-empty variables of ``names`` in ``env``, keyed by field name."""
    return {k[len(prefix) :].lower(): v for k, v in env.items() if k in names and v != ""}


def _one_line(exc: ValidationError, prefix: str) -> str:
    error = exc.errors()[0]
    name = prefix + "_".join(str(p) for p in error["loc"]).upper()
    given = error.get("input")
    shown = "" if isinstance(given, dict) or given is None else f"={given!r}"
    message = error["msg"]
    ctx = error.get("ctx") or {}
    if "expected" in ctx:
        message = f"expected {ctx['expected']}"
    return f"invalid setting {name}{shown}: {message}"


def _subgraph_url_pairs(value: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, url = item.partition("=")
        name, url = name.strip(), url.strip()
        if not sep or not name or not url:
            raise ValueError(f"expected name=url pairs separated by commas, got {item!r}")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"the URL of subgraph {name} must start with http:// or https://")
        pairs[name] = url
    return pairs
