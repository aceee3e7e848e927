"""Server settings, read from flags, `RURI_*` environment variables and defaults."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORT = 3000
DEFAULT_DATA_DIR = Path("~/.ruri")


class Settings(BaseSettings):
    """Everything the server reads at start; each field maps to `RURI_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="RURI_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    remote: bool = False
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    log_level: str = "info"
    acp: bool = False

    # Request and GraphQL limits.
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 50 * 1024 * 1024
    max_query_depth: int = 12
    max_query_aliases: int = 20
    max_query_tokens: int = 4000

    # Password hashing cost (Argon2id); verifying uses the cost stored in each hash.
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=8)

    # Sessions and login throttling.
    session_hours: float = 24.0
    remember_me_days: float = 30.0
    login_max_failures: int = 5
    login_window_seconds: float = 300.0

    # Model provider calls, in seconds.
    provider_connect_timeout: float = 10.0
    provider_read_timeout: float = 120.0
    provider_first_token_timeout: float = 60.0
    provider_chunk_gap_timeout: float = 60.0
    provider_total_timeout: float = 600.0

    # Agent loop.
    agent_max_steps: int = Field(default=20, ge=1, le=200)
    tool_timeout_seconds: float = 60.0
    tool_output_max_chars: int = 20000
    history_max_chars: int = 200_000

    # MCP servers: seconds a connection may take to start, initialize and list its tools.
    mcp_connect_timeout_seconds: float = Field(default=15.0, gt=0)
    # Seconds between tool listings that check a ready MCP session is alive and pick up new tools.
    # It is also the first retry delay of a failed server, which doubles up to 10 minutes.
    mcp_check_interval_seconds: float = Field(default=30.0, gt=0)

    # Live logs.
    log_buffer_size: int = Field(default=5000, ge=10)
    log_subscriber_queue: int = Field(default=1000, ge=10)
    # Let the database, HTTP, MCP and WebSocket libraries log at `log_level` below INFO. Off by
    # default because they then write SQL parameters and request payloads, which may contain secrets.
    log_library_debug: bool = False
    max_subscriptions_per_connection: int = 20
    max_chat_runs_per_user: int = 4

    # Built-in tools. The shell tool runs any command as the server's user, so it is off unless
    # the administrator turns it on. web_search exists only when a search backend is configured.
    bash_tool_enabled: bool = False
    # A SearXNG-compatible endpoint answering `GET <url>?q=...&format=json`.
    web_search_url: str | None = None
    web_search_timeout_seconds: float = Field(default=15.0, gt=0)

    @field_validator("web_search_url")
    @classmethod
    def _check_web_search_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().lower().startswith(("http://", "https://")):
            raise ValueError("web_search_url must be an http:// or https:// URL")
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.lower()
        if level not in {"debug", "info", "warning", "error", "critical"}:
            raise ValueError("log_level must be one of debug, info, warning, error, critical")
        return level

    @property
    def bind_host(self) -> str:
        return "0.0.0.0" if self.remote else self.host

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.resolved_data_dir / 'ruri.db'}"

    @property
    def is_loopback_only(self) -> bool:
        """Tell whether the server listens only on a loopback address."""
        host = self.bind_host
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
