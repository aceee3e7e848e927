"""Model providers."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from ruri.services.providers import ProviderData
from schema.context import ctx
from schema.inputs import input_dict


@strawberry.type(description="An OpenAI-compatible model endpoint. The API key is never returned.")
class Provider:
    id: strawberry.ID
    name: str
    provider_type: str = strawberry.field(description="`openai_compatible`.")
    api_url: str = strawberry.field(description="Base URL without a trailing slash.")
    model: str
    api_key_set: bool
    api_key_hint: str | None = strawberry.field(description="A short hint such as `sk-…abcd`.")
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_data(cls, data: ProviderData) -> Provider:
        return cls(**data.__dict__)


@strawberry.input(description="Provider fields; on update, only the fields sent change.")
class ProviderInput:
    name: str | None = strawberry.UNSET
    provider_type: str | None = strawberry.UNSET
    api_url: str | None = strawberry.UNSET
    api_key: str | None = strawberry.UNSET
    model: str | None = strawberry.UNSET


@strawberry.input(description="A stored provider, or a URL and key typed in before saving.")
class FetchModelsInput:
    provider_id: strawberry.ID | None = strawberry.UNSET
    api_url: str | None = strawberry.UNSET
    api_key: str | None = strawberry.UNSET


@strawberry.type(description="Model ids a provider offers.")
class ModelList:
    models: list[str]


@strawberry.type
class ProviderQuery:
    @strawberry.field(description="All providers, oldest first.")
    async def providers(self, info: Info) -> list[Provider]:
        return [Provider.from_data(item) for item in await ctx(info).services.providers.list()]

    @strawberry.field
    async def provider(self, info: Info, id: strawberry.ID) -> Provider:
        return Provider.from_data(await ctx(info).services.providers.get(id))

    @strawberry.field(description="Ask a provider which models it serves (`GET /models`).")
    async def provider_models(self, info: Info, input: FetchModelsInput) -> ModelList:
        services = ctx(info).services
        connection = await services.providers.connection_for_listing(input_dict(input))
        return ModelList(models=await services.models.list_models(connection))


@strawberry.type
class ProviderMutation:
    @strawberry.mutation(description="Create a provider; the first one becomes active.")
    async def create_provider(self, info: Info, input: ProviderInput) -> Provider:
        return Provider.from_data(await ctx(info).services.providers.create(input_dict(input)))

    @strawberry.mutation(description="Change the fields sent; an omitted `apiKey` is kept.")
    async def update_provider(self, info: Info, id: strawberry.ID, input: ProviderInput) -> Provider:
        return Provider.from_data(await ctx(info).services.providers.update(id, input_dict(input)))

    @strawberry.mutation(description="Delete a provider; the active one only when it is the last.")
    async def delete_provider(self, info: Info, id: strawberry.ID) -> bool:
        await ctx(info).services.providers.delete(id)
        return True

    @strawberry.mutation(description="Make this provider the one every chat uses.")
    async def activate_provider(self, info: Info, id: strawberry.ID) -> Provider:
        return Provider.from_data(await ctx(info).services.providers.activate(id))

    @strawberry.mutation(description="Same as the `providerModels` query, for clients that POST.")
    async def fetch_provider_models(self, info: Info, input: FetchModelsInput) -> ModelList:
        return await ProviderQuery.provider_models(self, info, input)
