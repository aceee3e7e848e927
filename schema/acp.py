"""Settings of the Agent Client Protocol door."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry
from strawberry.types import Info

from ruri.services.acp_config import AcpConfigData
from schema.context import ctx


@strawberry.type(
    description=(
        "What an ACP session uses. Defaults: `activeProviderId` null (the server's active "
        "provider), `activeSkillNames` empty, `allowedTools` empty (every tool allowed)."
    )
)
class AcpConfig:
    active_provider_id: strawberry.ID | None = strawberry.field(
        description="Provider for ACP sessions; null uses the server's active provider."
    )
    active_skill_names: list[str] = strawberry.field(
        description="Skills an ACP session starts with."
    )
    allowed_tools: list[str] = strawberry.field(
        description=(
            "Tool names an ACP session may call; empty allows every tool. Names are not checked "
            "against the current tools, because MCP servers add and remove tools at run time."
        )
    )

    @classmethod
    def from_data(cls, data: AcpConfigData) -> AcpConfig:
        return cls(**data.__dict__)


@strawberry.input(
    description="Only the fields sent change; a field sent as null returns to its default."
)
class AcpConfigInput:
    active_provider_id: strawberry.ID | None = strawberry.UNSET
    active_skill_names: list[str] | None = strawberry.UNSET
    allowed_tools: list[str] | None = strawberry.UNSET


def _sent_fields(value: Any) -> dict[str, Any]:
    # Unlike `input_dict`, explicit nulls are kept, because null means "back to the default".
    return {
        item.name: getattr(value, item.name)
        for item in dataclasses.fields(value)
        if getattr(value, item.name) is not strawberry.UNSET
    }


@strawberry.type
class AcpQuery:
    @strawberry.field(description="The ACP settings.")
    async def acp_config(self, info: Info) -> AcpConfig:
        return AcpConfig.from_data(await ctx(info).services.acp_config.get())


@strawberry.type
class AcpMutation:
    @strawberry.mutation(
        description="Change the ACP settings sent; an unknown provider id or skill name is rejected."
    )
    async def update_acp_config(self, info: Info, input: AcpConfigInput) -> AcpConfig:
        data = await ctx(info).services.acp_config.update(_sent_fields(input))
        return AcpConfig.from_data(data)
