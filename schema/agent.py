"""The agent status, read once or followed live."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from ruri.services.status import AgentStatusData
from schema.context import ctx


@strawberry.type(description="What the agent is doing and what it has to work with.")
class AgentStatus:
    processing: bool = strawberry.field(description="True while any chat is running.")
    active_requests: int = strawberry.field(description="The number of chats running now.")
    active_provider: str | None = strawberry.field(description="The active provider's name.")
    active_model: str | None
    skills_count: int = strawberry.field(description="The number of enabled skills.")
    tools_count: int = strawberry.field(description="The number of tools the agent offers now.")
    uptime_seconds: int
    message_count: int = strawberry.field(description="Messages stored in all conversations.")

    @classmethod
    def from_data(cls, data: AgentStatusData) -> AgentStatus:
        return cls(**data.__dict__)


@strawberry.type
class AgentQuery:
    @strawberry.field(description="The agent status now.")
    async def agent_status(self, info: Info) -> AgentStatus:
        return AgentStatus.from_data(await ctx(info).services.status.get())


@strawberry.type
class AgentSubscription:
    @strawberry.subscription(
        description="The agent status now, then again whenever it changes (a chat starts or "
        "ends, the active provider, skills or tools change)."
    )
    async def agent_status(self, info: Info) -> AsyncGenerator[AgentStatus, None]:
        context = ctx(info)
        context.require_user()
        async for status in context.services.status.updates():
            yield AgentStatus.from_data(status)
