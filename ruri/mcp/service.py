"""MCP server settings: CRUD and enable/disable, each change carried to the live connections."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from ruri.config import Settings
from ruri.db.models import McpServerRow
from ruri.db.types import utcnow
from ruri.errors import BadRequest, Conflict, name_taken, row_or_404
from ruri.logs.redaction import remember_secrets
from ruri.mcp.manager import McpConnections
from ruri.mcp.models import (
    SECRET_MASK,
    McpServerConfig,
    McpServerData,
    McpServerFields,
    masked,
)
from ruri.mcp.tools import McpToolSource
from ruri.services.validation import parse_input

logger = logging.getLogger(__name__)

SECRET_MAPS = ("env", "headers")


def _config(row: McpServerRow) -> McpServerConfig:
    config = McpServerConfig.from_stored(row.id, row.name, row.transport, row.config or {})
    # Rows are read at start and after every change, so stored secrets join the redaction list.
    remember_secrets(*config.env.values(), *config.headers.values())
    return config


def _stored_fields(row: McpServerRow) -> dict[str, Any]:
    return {"name": row.name, "transport": row.transport, "enabled": row.enabled, **(row.config or {})}


def _keep_masked_secrets(changes: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Replace each secret sent back as SECRET_MASK (or null) by the stored value of that key.

    A map that is sent replaces the stored one, so a key left out of it is removed.
    """
    resolved = dict(changes)
    for field in SECRET_MAPS:
        sent = changes.get(field)
        if not isinstance(sent, dict):
            continue
        stored_values = stored.get(field) or {}
        values = {}
        for key, value in sent.items():
            if value is None or value == SECRET_MASK:
                if key not in stored_values:
                    raise BadRequest(
                        f"Invalid field '{field}.{key}': there is no stored value to keep; "
                        f"send the value itself instead of '{SECRET_MASK}'",
                        field=f"{field}.{key}",
                    )
                value = stored_values[key]
            values[key] = value
        resolved[field] = values
    return resolved


class McpService:
    def __init__(self, db: async_sessionmaker, settings: Settings) -> None:
        self._db = db
        self._services: Any = None
        self.connections = McpConnections(settings, self._state_changed)
        self.tool_source = McpToolSource(self.connections)

    def attach(self, services: Any) -> None:
        """Offer the MCP tools through the registry, and notify `services.status` of changes."""
        self._services = services
        services.tools.add_source(self.tool_source)

    async def start(self) -> None:
        """Connect every enabled server in the background."""
        async with self._db() as session:
            rows = await session.scalars(select(McpServerRow).where(McpServerRow.enabled.is_(True)))
            configs = [_config(row) for row in rows]
        for config in configs:
            await self.connections.start(config)

    async def stop(self) -> None:
        await self.connections.stop_all()

    async def list(self) -> list[McpServerData]:
        async with self._db() as session:
            rows = await session.scalars(select(McpServerRow).order_by(McpServerRow.name))
            return [self._data(row) for row in rows]

    async def get(self, server_id: str) -> McpServerData:
        async with self._db() as session:
            return self._data(await self._row(session, server_id))

    async def create(self, data: dict[str, Any]) -> McpServerData:
        if any(isinstance(data.get(field), dict) for field in SECRET_MAPS):
            data = _keep_masked_secrets(data, {})
        fields = parse_input(McpServerFields, data)
        remember_secrets(*fields.env.values(), *fields.headers.values())
        try:
            async with self._db.begin() as session:
                row = McpServerRow(
                    name=fields.name,
                    transport=fields.transport.value,
                    config=fields.stored_config(),
                    enabled=fields.enabled,
                )
                session.add(row)
                await session.flush()
                config = _config(row)
        except IntegrityError as exc:
            raise self._name_taken(fields.name) from exc
        logger.info("Created MCP server %s (%s, id %s)", fields.name, fields.transport.value, config.id)
        if fields.enabled:
            await self.connections.start(config)
        return await self.get(config.id)

    async def update(self, server_id: str, data: dict[str, Any]) -> McpServerData:
        """Merge the fields sent into the stored definition, validate the result, reconnect."""
        try:
            async with self._db.begin() as session:
                row = await self._row(session, server_id)
                stored = _stored_fields(row)
                merged = {**stored, **_keep_masked_secrets(data, stored)}
                fields = parse_input(McpServerFields, merged)
                remember_secrets(*fields.env.values(), *fields.headers.values())
                row.name = fields.name
                row.transport = fields.transport.value
                row.config = fields.stored_config()
                row.enabled = fields.enabled
                row.updated_at = utcnow()
                await session.flush()
                config = _config(row)
        except IntegrityError as exc:
            raise self._name_taken(str(data.get("name", ""))) from exc
        logger.info("Updated MCP server %s (fields: %s)", server_id, ", ".join(sorted(data)) or "none")
        await self._apply(config, fields.enabled)
        return await self.get(server_id)

    async def set_enabled(self, server_id: str, enabled: bool) -> McpServerData:
        async with self._db.begin() as session:
            row = await self._row(session, server_id)
            changed = row.enabled != enabled
            row.enabled = enabled
            if changed:
                row.updated_at = utcnow()
            config = _config(row)
        logger.info("%s MCP server %s (%s)", "Enabled" if enabled else "Disabled", config.name, server_id)
        connection = self.connections.get(server_id)
        # Enabling a server that is already connected keeps its session; otherwise it reconnects.
        if not enabled or connection is None or connection.state != "ready":
            await self._apply(config, enabled)
        return await self.get(server_id)

    async def delete(self, server_id: str) -> None:
        async with self._db.begin() as session:
            row = await self._row(session, server_id)
            await session.delete(row)
        await self.connections.stop(server_id)
        logger.info("Deleted MCP server %s", server_id)

    async def wait_settled(self, server_id: str, timeout: float) -> McpServerData:
        """Wait until a server's connection attempt ends in `ready` or `error`, then return it."""
        connection = self.connections.get(server_id)
        if connection is not None:
            await connection.wait_settled(timeout)
        return await self.get(server_id)

    async def _apply(self, config: McpServerConfig, enabled: bool) -> None:
        if enabled:
            await self.connections.start(config)
        else:
            await self.connections.stop(config.id)

    def _data(self, row: McpServerRow) -> McpServerData:
        config = _config(row)
        return McpServerData(
            id=row.id,
            name=row.name,
            transport=row.transport,
            command=config.command,
            args=list(config.args),
            env=masked(config.env),
            url=config.url,
            headers=masked(config.headers),
            enabled=row.enabled,
            status=self.connections.status(row.id, row.enabled),
            tools=self.connections.tool_names(row.id),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    async def _row(self, session, server_id: str) -> McpServerRow:
        return await row_or_404(session, McpServerRow, server_id, "MCP server")

    @staticmethod
    def _name_taken(name: str) -> Conflict:
        return name_taken("An MCP server", name)

    async def _state_changed(self) -> None:
        """Tell the agent status that servers or tools changed."""
        if self._services is not None:
            await self._services.status.changed()
