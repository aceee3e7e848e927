"""MCP server settings: the pydantic input model, the stored configuration and the results.

Header values and environment values are secrets: results carry their keys with the value
`SECRET_MASK`, and an update that sends `SECRET_MASK` back (or omits the whole map) keeps the
stored value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from ruri.services.text import IdentifierText

SECRET_MASK = "***"
MAX_ARGS = 200
MAX_MAP_ENTRIES = 100

_SERVER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# RFC 9110 token characters.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class Transport(str, Enum):
    stdio = "stdio"
    sse = "sse"
    streamable_http = "streamable_http"


HTTP_TRANSPORTS = (Transport.sse, Transport.streamable_http)


def _transport(info: ValidationInfo) -> Transport | None:
    # `transport` is declared first, so it is validated (or missing) before the other fields.
    return info.data.get("transport")


class McpServerFields(BaseModel):
    """A whole server definition; updates validate the stored definition merged with the changes."""

    transport: Transport
    name: str = Field(max_length=64)
    command: IdentifierText | None = Field(default=None, max_length=1000, validate_default=True)
    args: list[str] = Field(default_factory=list, max_length=MAX_ARGS)
    env: dict[str, str] = Field(default_factory=dict, max_length=MAX_MAP_ENTRIES)
    url: str | None = Field(default=None, max_length=2000, validate_default=True)
    headers: dict[str, str] = Field(default_factory=dict, max_length=MAX_MAP_ENTRIES)
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _SERVER_NAME.match(value):
            raise ValueError(
                "must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit"
            )
        return value

    @field_validator("command")
    @classmethod
    def _check_command(cls, value: str | None, info: ValidationInfo) -> str | None:
        if _transport(info) is not Transport.stdio:
            return None
        if not value:
            raise ValueError("is required for the stdio transport (the program that starts the server)")
        return value

    @field_validator("args")
    @classmethod
    def _check_args(cls, value: list[str]) -> list[str]:
        for arg in value:
            if "\x00" in arg:
                raise ValueError("must not contain NUL characters")
        return value

    @field_validator("env")
    @classmethod
    def _check_env(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if not _ENV_NAME.match(key):
                raise ValueError(f"'{key}' is not a valid variable name (letters, digits and _)")
            if "\x00" in item:
                raise ValueError(f"the value of '{key}' must not contain NUL characters")
        return value

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        transport = _transport(info)
        if transport not in HTTP_TRANSPORTS:
            return None
        if not value:
            raise ValueError(f"is required for the {transport.value} transport")
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL, for example http://127.0.0.1:8000/mcp")
        return value.strip()

    @field_validator("headers")
    @classmethod
    def _check_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if not _HEADER_NAME.match(key):
                raise ValueError(f"'{key}' is not a valid HTTP header name")
            if any(char in item for char in "\r\n\x00"):
                raise ValueError(f"the value of '{key}' must not contain line breaks or NUL")
        return value

    def stored_config(self) -> dict[str, Any]:
        """Return the `config` JSON column: only the fields the transport uses."""
        if self.transport is Transport.stdio:
            return {"command": self.command, "args": self.args, "env": self.env}
        return {"url": self.url, "headers": self.headers}


@dataclass(frozen=True)
class McpServerConfig:
    """Settings of one connection. They include the secrets, so they stay inside the server."""

    id: str
    name: str
    transport: str
    command: str | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_stored(cls, server_id: str, name: str, transport: str, config: dict) -> McpServerConfig:
        return cls(
            id=server_id,
            name=name,
            transport=transport,
            command=config.get("command"),
            args=tuple(config.get("args") or ()),
            env=dict(config.get("env") or {}),
            url=config.get("url"),
            headers=dict(config.get("headers") or {}),
        )


@dataclass(frozen=True)
class McpStatusData:
    # "connecting", "ready", "error" or "disabled".
    state: str
    error: str | None = None


@dataclass(frozen=True)
class McpServerData:
    id: str
    name: str
    transport: str
    command: str | None
    args: list[str]
    # Keys with every value replaced by SECRET_MASK.
    env: dict[str, str]
    url: str | None
    headers: dict[str, str]
    enabled: bool
    status: McpStatusData
    # Tool names offered to the model (`<server>__<tool>`).
    tools: list[str]
    created_at: datetime
    updated_at: datetime


def masked(values: dict[str, str]) -> dict[str, str]:
    return {key: SECRET_MASK for key in values}
