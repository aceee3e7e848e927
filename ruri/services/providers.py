"""Model providers: CRUD, the single active provider, and model listing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from ruri.db.models import ProviderRow
from ruri.db.types import utcnow
from ruri.errors import BadRequest, Conflict, name_taken, row_or_404
from ruri.logs.redaction import remember_secrets
from ruri.services.secret_hint import secret_hint
from ruri.services.text import IdentifierText
from ruri.services.validation import parse_input

logger = logging.getLogger(__name__)


class ProviderType(str, Enum):
    openai_compatible = "openai_compatible"


@dataclass(frozen=True)
class ProviderData:
    id: str
    name: str
    provider_type: str
    api_url: str
    model: str
    api_key_set: bool
    api_key_hint: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ProviderConnection:
    """Connection details for a model client. It carries the key, so it never leaves the server."""

    id: str
    name: str
    api_url: str
    api_key: str
    model: str

    def __post_init__(self) -> None:
        # Every key on its way to a model server, stored or typed, is kept out of the log.
        remember_secrets(self.api_key)


def normalize_api_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL, for example https://api.openai.com/v1")
    if parts.query or parts.fragment:
        raise ValueError("must not contain a query string or fragment")
    # Credentials in the URL would be returned by every provider read; the key has its own field.
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not contain a user name or password; put the key in api_key")
    return value.rstrip("/")


class ProviderFields(BaseModel):
    name: IdentifierText = Field(min_length=1, max_length=200)
    provider_type: ProviderType = ProviderType.openai_compatible
    api_url: str = Field(max_length=2000)
    api_key: IdentifierText = Field(default="", max_length=4000)
    model: IdentifierText = Field(min_length=1, max_length=200)

    @field_validator("api_url")
    @classmethod
    def _normalize_url(cls, value: str) -> str:
        return normalize_api_url(value)


class ProviderUpdate(BaseModel):
    name: IdentifierText | None = Field(default=None, min_length=1, max_length=200)
    provider_type: ProviderType | None = None
    api_url: str | None = Field(default=None, max_length=2000)
    api_key: IdentifierText | None = Field(default=None, max_length=4000)
    model: IdentifierText | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("api_url")
    @classmethod
    def _normalize_url(cls, value: str | None) -> str | None:
        return None if value is None else normalize_api_url(value)


class FetchModelsInput(BaseModel):
    """Either a stored provider, or connection details typed into a form before saving."""

    provider_id: str | None = None
    api_url: str | None = Field(default=None, max_length=2000)
    api_key: IdentifierText | None = Field(default=None, max_length=4000)

    @field_validator("api_url")
    @classmethod
    def _normalize_url(cls, value: str | None) -> str | None:
        return None if value is None else normalize_api_url(value)


def _provider_data(row: ProviderRow) -> ProviderData:
    return ProviderData(
        id=row.id,
        name=row.name,
        provider_type=row.provider_type,
        api_url=row.api_url,
        model=row.model,
        api_key_set=bool(row.api_key),
        api_key_hint=secret_hint(row.api_key),
        is_active=row.is_active,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _connection(row: ProviderRow) -> ProviderConnection:
    return ProviderConnection(
        id=row.id, name=row.name, api_url=row.api_url, api_key=row.api_key, model=row.model
    )


class ProviderService:
    def __init__(self, db: async_sessionmaker) -> None:
        self._db = db
        self.listeners: list = []
        # Every chat start needs the active provider, so it is kept until the next provider change
        # through this service. The generation stops a read that raced a change from being kept.
        self._active: ProviderConnection | None = None
        self._generation = 0

    async def list(self) -> list[ProviderData]:
        async with self._db() as session:
            rows = await session.scalars(select(ProviderRow).order_by(ProviderRow.created_at))
            return [_provider_data(row) for row in rows]

    async def get(self, provider_id: str) -> ProviderData:
        async with self._db() as session:
            return _provider_data(await self._row(session, provider_id))

    async def create(self, data: dict) -> ProviderData:
        fields = parse_input(ProviderFields, data)
        remember_secrets(fields.api_key)
        try:
            async with self._db.begin() as session:
                count = await session.scalar(select(func.count()).select_from(ProviderRow))
                row = ProviderRow(**fields.model_dump(mode="json"), is_active=count == 0)
                session.add(row)
                await session.flush()
                provider = _provider_data(row)
        except IntegrityError as exc:
            raise self._name_taken(fields.name) from exc
        logger.info("Created provider %s (%s)%s", provider.id, provider.name,
                    ", now active" if provider.is_active else "")
        await self._notify()
        return provider

    async def update(self, provider_id: str, data: dict) -> ProviderData:
        changes = parse_input(ProviderUpdate, data).model_dump(mode="json", exclude_none=True)
        remember_secrets(changes.get("api_key"))
        try:
            async with self._db.begin() as session:
                row = await self._row(session, provider_id)
                for key, value in changes.items():
                    setattr(row, key, value)
                row.updated_at = utcnow()
                await session.flush()
                provider = _provider_data(row)
        except IntegrityError as exc:
            raise self._name_taken(changes.get("name", "")) from exc
        logger.info("Updated provider %s (fields: %s)", provider_id, ", ".join(sorted(changes)) or "none")
        await self._notify()
        return provider

    async def delete(self, provider_id: str) -> None:
        async with self._db.begin() as session:
            row = await self._row(session, provider_id)
            if row.is_active:
                others = await session.scalar(
                    select(func.count()).select_from(ProviderRow).where(ProviderRow.id != provider_id)
                )
                if others:
                    raise Conflict(
                        "Cannot delete the active provider while others exist; "
                        "activate another provider first"
                    )
            await session.delete(row)
        logger.info("Deleted provider %s", provider_id)
        await self._notify()

    async def activate(self, provider_id: str) -> ProviderData:
        async with self._db.begin() as session:
            row = await self._row(session, provider_id)
            await session.execute(
                update(ProviderRow).where(ProviderRow.id != provider_id).values(is_active=False)
            )
            row.is_active = True
            row.updated_at = utcnow()
            provider = _provider_data(row)
        logger.info("Activated provider %s (%s)", provider.id, provider.name)
        await self._notify()
        return provider

    async def active_connection(self) -> ProviderConnection:
        if self._active is not None:
            return self._active
        generation = self._generation
        async with self._db() as session:
            row = await session.scalar(select(ProviderRow).where(ProviderRow.is_active.is_(True)))
        if row is None:
            raise BadRequest(
                "No active provider; create one with POST /api/providers "
                "(the first one becomes active) or activate one with POST /api/providers/:id/activate"
            )
        connection = _connection(row)
        if generation == self._generation:
            self._active = connection
        return connection

    async def connection(self, provider_id: str) -> ProviderConnection:
        async with self._db() as session:
            return _connection(await self._row(session, provider_id))

    async def connection_for_listing(self, data: dict) -> ProviderConnection:
        """Build the connection `fetch-models` uses: typed values win over stored ones."""
        payload = parse_input(FetchModelsInput, data)
        if payload.provider_id:
            stored = await self.connection(payload.provider_id)
            return ProviderConnection(
                id=stored.id,
                name=stored.name,
                api_url=payload.api_url or stored.api_url,
                api_key=stored.api_key if payload.api_key is None else payload.api_key,
                model=stored.model,
            )
        if not payload.api_url:
            raise BadRequest(
                "Invalid field 'api_url': is required when 'provider_id' is not given", field="api_url"
            )
        return ProviderConnection(
            id="", name="", api_url=payload.api_url, api_key=payload.api_key or "", model=""
        )

    async def _row(self, session, provider_id: str) -> ProviderRow:
        return await row_or_404(session, ProviderRow, provider_id, "Provider")

    @staticmethod
    def _name_taken(name: str) -> Conflict:
        return name_taken("A provider", name)

    async def _notify(self) -> None:
        self._generation += 1
        self._active = None
        for listener in self.listeners:
            await listener()
