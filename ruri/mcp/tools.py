"""Offer the tools of every ready MCP server to the agent, named by `agent_tool_name`."""

from __future__ import annotations

import json
import logging
from typing import Any

import mcp_types
from mcp.shared.exceptions import MCPError
from pydantic import ValidationError

from ruri.agent.tools import Tool, ToolContext, ToolFailed, ToolSpec
from ruri.mcp.connection import McpConnection, describe_error
from ruri.mcp.manager import McpConnections
from ruri.mcp.naming import agent_tool_name

logger = logging.getLogger(__name__)


def result_text(result: mcp_types.CallToolResult) -> str:
    """Join the text blocks of a result; other blocks are named, and structured data is JSON."""
    parts: list[str] = []
    for block in result.content:
        if isinstance(block, mcp_types.TextContent):
            parts.append(block.text)
        elif isinstance(block, mcp_types.EmbeddedResource) and hasattr(block.resource, "text"):
            parts.append(block.resource.text)
        else:
            mime_type = getattr(block, "mime_type", None)
            label = f"{block.type} content ({mime_type})" if mime_type else f"{block.type} content"
            parts.append(f"[{label} not shown]")
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


class McpTool(Tool):
    def __init__(self, connection: McpConnection, tool: mcp_types.Tool) -> None:
        server = connection.config.name
        self.spec = ToolSpec(
            name=agent_tool_name(server, tool.name),
            description=tool.description or f"Tool '{tool.name}' of MCP server '{server}'.",
            parameters=tool.input_schema or {"type": "object", "properties": {}},
            source=f"mcp:{server}",
        )
        self.remote_name = tool.name
        self._connection = connection

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        server = self._connection.config.name
        try:
            result = await self._connection.call_tool(self.remote_name, arguments)
        except MCPError as exc:
            raise ToolFailed(f"MCP server '{server}' returned an error: {exc.message}") from exc
        except ValidationError as exc:
            raise ToolFailed(f"MCP server '{server}' sent an invalid result: {exc}") from exc
        except ToolFailed:
            raise
        except Exception as exc:
            logger.warning("Calling %s on MCP server %s failed: %s",
                           self.remote_name, server, describe_error(exc))
            raise ToolFailed(f"Calling MCP server '{server}' failed: {describe_error(exc)}") from exc
        text = result_text(result)
        if result.is_error:
            raise ToolFailed(text or f"MCP tool '{self.remote_name}' reported an error")
        return text


class McpToolSource:
    """The tools of every ready server, by server name; a repeated agent name keeps the first."""

    name = "mcp"

    def __init__(self, connections: McpConnections) -> None:
        self._connections = connections

    async def tools(self) -> list[Tool]:
        offered: dict[str, Tool] = {}
        for connection in self._connections.ready():
            for tool in connection.tools:
                item = McpTool(connection, tool)
                if item.spec.name in offered:
                    logger.warning("MCP tool name %s is offered twice; keeping the first",
                                   item.spec.name)
                    continue
                offered[item.spec.name] = item
        return list(offered.values())
