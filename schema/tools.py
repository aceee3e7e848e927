"""The tools the agent offers the model."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ruri.agent.tools import ToolSpec
from schema.context import ctx


@strawberry.type(description="A tool the agent offers the model on its next call.")
class Tool:
    name: str
    description: str
    source: str = strawberry.field(description="`builtin` or `mcp:<server name>`.")
    parameters: JSON = strawberry.field(description="JSON Schema of the arguments object.")
    enabled: bool = strawberry.field(
        description="Always true: the list contains only the tools offered now. Tools that are off "
        "(bash not enabled, a stopped MCP server) are left out rather than listed as false."
    )

    @classmethod
    def from_spec(cls, spec: ToolSpec) -> Tool:
        return cls(
            name=spec.name,
            description=spec.description,
            source=spec.source,
            parameters=spec.parameters,
            enabled=True,
        )


@strawberry.type
class ToolQuery:
    @strawberry.field(
        description="Exactly the tools the agent would offer the model now: built-in tools "
        "first, then skill and MCP tools."
    )
    async def tools(self, info: Info) -> list[Tool]:
        found = await ctx(info).services.tools.tools()
        return [Tool.from_spec(tool.spec) for tool in found]
