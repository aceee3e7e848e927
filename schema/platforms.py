"""Chat platform settings."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ruri.platforms import PlatformData, PlatformStatusData
from schema.context import ctx
from schema.inputs import input_dict


@strawberry.type(
    description=(
        "Whether a platform adapter is connected. No adapters exist yet, so `state` is always "
        "`stopped`."
    )
)
class PlatformStatus:
    state: str = strawberry.field(description="`stopped`, `starting`, `running` or `error`.")
    error: str | None = strawberry.field(description="Why the adapter failed, when `error`.")

    @classmethod
    def from_data(cls, data: PlatformStatusData) -> PlatformStatus:
        return cls(state=data.state, error=data.error)


@strawberry.type(
    description=(
        "A chat platform account (OneBot, Telegram, Discord, DingTalk, WeChat). Only its settings "
        "are stored for now: no adapter connects to the platform yet."
    )
)
class Platform:
    id: strawberry.ID
    name: str
    platform_type: str = strawberry.field(
        description="`onebot`, `telegram`, `discord`, `dingtalk` or `weixin`."
    )
    enabled: bool
    config: JSON = strawberry.field(
        description=(
            "The type's settings with snake_case keys. Secrets are never returned: each appears "
            "as `<field>_set` and `<field>_hint` (the last 4 characters of a secret of 16 or more)."
        )
    )
    status: PlatformStatus
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_data(cls, data: PlatformData) -> Platform:
        return cls(
            id=strawberry.ID(data.id),
            name=data.name,
            platform_type=data.platform_type,
            enabled=data.enabled,
            config=data.config,
            status=PlatformStatus.from_data(data.status),
            created_at=data.created_at,
            updated_at=data.updated_at,
        )


@strawberry.input(
    description=(
        "Platform fields; on update only the fields sent change. `config` keys are merged into "
        "the stored config: an omitted secret, or one sent back as its hint or as `***`, is kept, "
        "and a key sent as null returns to its default."
    )
)
class PlatformInput:
    name: str | None = strawberry.UNSET
    platform_type: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    config: JSON | None = strawberry.UNSET


@strawberry.type
class PlatformQuery:
    @strawberry.field(description="All platforms, oldest first.")
    async def platforms(self, info: Info) -> list[Platform]:
        return [Platform.from_data(item) for item in await ctx(info).services.platforms.list()]

    @strawberry.field
    async def platform(self, info: Info, id: strawberry.ID) -> Platform:
        return Platform.from_data(await ctx(info).services.platforms.get(id))


@strawberry.type
class PlatformMutation:
    @strawberry.mutation(description="Store a platform's settings; it starts disabled by default.")
    async def create_platform(self, info: Info, input: PlatformInput) -> Platform:
        return Platform.from_data(await ctx(info).services.platforms.create(input_dict(input)))

    @strawberry.mutation(description="Change the fields sent; `config` is merged, not replaced.")
    async def update_platform(
        self, info: Info, id: strawberry.ID, input: PlatformInput
    ) -> Platform:
        data = await ctx(info).services.platforms.update(id, input_dict(input))
        return Platform.from_data(data)

    @strawberry.mutation(description="Delete a platform's settings.")
    async def delete_platform(self, info: Info, id: strawberry.ID) -> bool:
        await ctx(info).services.platforms.delete(id)
        return True
