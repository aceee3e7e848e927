"""MCP servers: stored settings, one background connection per enabled server, and their tools.

- `models`: pydantic inputs, the stored configuration and the `...Data` results.
- `service`: `McpService`, CRUD plus enable/disable, which drives the connections.
- `connection`: `McpConnection`, one task that owns one MCP client session.
- `manager`: `McpConnections`, the connections by server id.
- `tools`: `McpToolSource`, which offers every ready server's tools to the agent.
"""

from ruri.mcp.service import McpService

__all__ = ["McpService"]
