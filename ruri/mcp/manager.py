"""The live connections, one per enabled MCP server, by server id."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from ruri.config import Settings
from ruri.mcp.connection import McpConnection
from ruri.mcp.models import McpServerConfig, McpStatusData
from ruri.mcp.naming import agent_tool_name

logger = logging.getLogger(__name__)


class McpConnections:
    def __init__(self, settings: Settings, on_change: Callable[[], Awaitable[None]]) -> None:
        self._settings = settings
        self._on_change = on_change
        self._connections: dict[str, McpConnection] = {}
        # Starts and stops of one server must not interleave (an update while enabling, say).
        self._lock = asyncio.Lock()

    async def start(self, config: McpServerConfig) -> None:
        """Connect in the background, replacing any connection the server already has."""
        async with self._lock:
            await self._stop_locked(config.id)
            connection = McpConnection(
                config,
                connect_timeout=self._settings.mcp_connect_timeout_seconds,
                call_timeout=self._settings.tool_timeout_seconds,
                check_interval=self._settings.mcp_check_interval_seconds,
                on_change=self._on_change,
            )
            self._connections[config.id] = connection
            logger.info("Connecting to MCP server %s (%s, id %s)", config.name, config.transport, config.id)
            connection.start()

    async def stop(self, server_id: str) -> None:
        async with self._lock:
            await self._stop_locked(server_id)

    async def stop_all(self) -> None:
        async with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
            await asyncio.gather(*(connection.stop() for connection in connections))

    async def _stop_locked(self, server_id: str) -> None:
        connection = self._connections.pop(server_id, None)
        if connection is not None:
            await connection.stop()
            await self._on_change()

    def get(self, server_id: str) -> McpConnection | None:
        return self._connections.get(server_id)

    def ready(self) -> list[McpConnection]:
        """Return the ready connections, ordered by server name."""
        ready = [item for item in self._connections.values() if item.state == "ready"]
        return sorted(ready, key=lambda item: item.config.name)

    def status(self, server_id: str, enabled: bool) -> McpStatusData:
        if not enabled:
            return McpStatusData(state="disabled")
        connection = self._connections.get(server_id)
        if connection is None:
            return McpStatusData(state="connecting")
        return McpStatusData(state=connection.state, error=connection.error)

    def tool_names(self, server_id: str) -> list[str]:
        connection = self._connections.get(server_id)
        if connection is None or connection.state != "ready":
            return []
        return [agent_tool_name(connection.config.name, tool.name) for tool in connection.tools]
