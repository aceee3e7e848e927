"""MCP server settings and their connection status."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ruri.mcp.models import McpServerData
from schema.context import ctx
from schema.inputs import input_dict


@strawberry.type(description="The connection of an enabled server, or `disabled`.")
class McpServerStatus:
    state: str = strawberry.field(description="`connecting`, `ready`, `error` or `disabled`.")
    error: str | None = strawberry.field(description="Why the last connection attempt failed.")


@strawberry.type(
    description="An MCP server whose tools the agent may call. Values of `env` and `headers` are "
    "secrets and read `***`."
)
class McpServer:
    id: strawberry.ID
    name: str
    transport: str = strawberry.field(description="`stdio`, `sse` or `streamable_http`.")
    command: str | None = strawberry.field(description="The program to run (stdio only).")
    args: list[str] = strawberry.field(description="Its arguments (stdio only).")
    env: JSON = strawberry.field(description="Extra environment variables, values masked (stdio).")
    url: str | None = strawberry.field(description="The endpoint URL (sse and streamable_http).")
    headers: JSON = strawberry.field(description="Extra HTTP headers, values masked.")
    enabled: bool
    status: McpServerStatus
    tools: list[str] = strawberry.field(description="Tool names offered to the model (`<server>__<tool>`).")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_data(cls, data: McpServerData) -> McpServer:
        values = dict(data.__dict__)
        values["status"] = McpServerStatus(state=data.status.state, error=data.status.error)
        return cls(**values)


@strawberry.input(
    description="MCP server fields. On update only the fields sent change; a secret sent back as "
    "`***` keeps its stored value."
)
class McpServerInput:
    name: str | None = strawberry.UNSET
    transport: str | None = strawberry.UNSET
    command: str | None = strawberry.UNSET
    args: JSON | None = strawberry.UNSET
    env: JSON | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    headers: JSON | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET


@strawberry.type
class McpQuery:
    @strawberry.field(description="All MCP servers, by name.")
    async def mcp_servers(self, info: Info) -> list[McpServer]:
        return [McpServer.from_data(item) for item in await ctx(info).services.mcp.list()]

    @strawberry.field
    async def mcp_server(self, info: Info, id: strawberry.ID) -> McpServer:
        return McpServer.from_data(await ctx(info).services.mcp.get(id))


@strawberry.type
class McpMutation:
    @strawberry.mutation(description="Add a server; an enabled one connects in the background.")
    async def create_mcp_server(self, info: Info, input: McpServerInput) -> McpServer:
        return McpServer.from_data(await ctx(info).services.mcp.create(input_dict(input)))

    @strawberry.mutation(description="Change the fields sent and reconnect.")
    async def update_mcp_server(self, info: Info, id: strawberry.ID, input: McpServerInput) -> McpServer:
        return McpServer.from_data(await ctx(info).services.mcp.update(id, input_dict(input)))

    @strawberry.mutation(description="Disconnect and delete a server.")
    async def delete_mcp_server(self, info: Info, id: strawberry.ID) -> bool:
        await ctx(info).services.mcp.delete(id)
        return True

    @strawberry.mutation(description="Enable a server and connect it (again, when it failed).")
    async def enable_mcp_server(self, info: Info, id: strawberry.ID) -> McpServer:
        return McpServer.from_data(await ctx(info).services.mcp.set_enabled(id, True))

    @strawberry.mutation(description="Disconnect a server and keep its settings.")
    async def disable_mcp_server(self, info: Info, id: strawberry.ID) -> McpServer:
        return McpServer.from_data(await ctx(info).services.mcp.set_enabled(id, False))
