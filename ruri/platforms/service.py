"""Chat platform settings: CRUD over the `platforms` table.

Only the settings exist so far. No adapter connects to any platform yet, so every platform's
status reads `stopped`, whether or not it is enabled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from ruri.db.models import PlatformRow
from ruri.db.types import utcnow
from ruri.errors import Conflict, name_taken, row_or_404
from ruri.logs.redaction import remember_secrets
from ruri.platforms.config import merge_config, public_config, validate_config
from ruri.platforms.models import CONFIG_MODELS, PlatformType
from ruri.services.text import IdentifierText
from ruri.services.validation import parse_input

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlatformStatusData:
    state: str = "stopped"
    error: str | None = None


@dataclass(frozen=True)
class PlatformData:
    id: str
    name: str
    platform_type: str
    enabled: bool
    # Secrets are already masked here; see `ruri.platforms.config`.
    config: dict[str, Any]
    status: PlatformStatusData
    created_at: datetime
    updated_at: datetime


def _check_object(value: Any) -> Any:
    if value is not None and not isinstance(value, dict):
        raise ValueError("must be a JSON object of the platform type's settings")
    return value


class PlatformCreate(BaseModel):
    name: IdentifierText = Field(min_length=1, max_length=200)
    platform_type: PlatformType
    enabled: bool = False
    config: dict[str, Any] = Field(default_factory=dict)

    _check_config = field_validator("config", mode="before")(_check_object)


class PlatformUpdate(BaseModel):
    name: IdentifierText | None = Field(default=None, min_length=1, max_length=200)
    platform_type: PlatformType | None = None
    enabled: bool | None = None
    config: dict[str, Any] | None = None

    _check_config = field_validator("config", mode="before")(_check_object)


def _remember_tokens(platform_type: PlatformType, config: dict[str, Any]) -> None:
    """Keep the platform's tokens out of the log from now on."""
    remember_secrets(*(config.get(name) for name in CONFIG_MODELS[platform_type].secret_fields()))


def _platform_data(row: PlatformRow) -> PlatformData:
    platform_type = PlatformType(row.platform_type)
    _remember_tokens(platform_type, row.config or {})
    return PlatformData(
        id=row.id,
        name=row.name,
        platform_type=row.platform_type,
        enabled=row.enabled,
        config=public_config(platform_type, row.config or {}),
        # No adapter runs yet, so nothing ever leaves `stopped`.
        status=PlatformStatusData(),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class PlatformService:
    def __init__(self, db: async_sessionmaker) -> None:
        self._db = db

    async def list(self) -> list[PlatformData]:
        async with self._db() as session:
            rows = await session.scalars(select(PlatformRow).order_by(PlatformRow.created_at))
            return [_platform_data(row) for row in rows]

    async def get(self, platform_id: str) -> PlatformData:
        async with self._db() as session:
            return _platform_data(await self._row(session, platform_id))

    async def create(self, data: dict) -> PlatformData:
        fields = parse_input(PlatformCreate, data)
        config = validate_config(
            fields.platform_type, merge_config(fields.platform_type, {}, fields.config)
        )
        _remember_tokens(fields.platform_type, config)
        try:
            async with self._db.begin() as session:
                row = PlatformRow(
                    name=fields.name,
                    platform_type=fields.platform_type.value,
                    enabled=fields.enabled,
                    config=config,
                )
                session.add(row)
                await session.flush()
                platform = _platform_data(row)
        except IntegrityError as exc:
            raise self._name_taken(fields.name) from exc
        logger.info(
            "Created platform %s (%s, %s)", platform.id, platform.name, platform.platform_type
        )
        return platform

    async def update(self, platform_id: str, data: dict) -> PlatformData:
        """Change the fields sent; `config` keys are merged into the stored config."""
        changes = parse_input(PlatformUpdate, data)
        try:
            async with self._db.begin() as session:
                row = await self._row(session, platform_id)
                self._apply(row, changes)
                row.updated_at = utcnow()
                await session.flush()
                platform = _platform_data(row)
        except IntegrityError as exc:
            raise self._name_taken(changes.name or "") from exc
        logger.info(
            "Updated platform %s (fields: %s)",
            platform_id,
            ", ".join(sorted(changes.model_fields_set)) or "none",
        )
        return platform

    @staticmethod
    def _apply(row: PlatformRow, changes: PlatformUpdate) -> None:
        platform_type = changes.platform_type or PlatformType(row.platform_type)
        if changes.config is not None or platform_type.value != row.platform_type:
            # The merged config is checked against the (possibly new) type's model, so changing
            # the type fails unless the stored and sent keys together satisfy the new type.
            merged = merge_config(platform_type, row.config or {}, changes.config or {})
            row.config = validate_config(platform_type, merged)
            _remember_tokens(platform_type, row.config)
        row.platform_type = platform_type.value
        if changes.name is not None:
            row.name = changes.name
        if changes.enabled is not None:
            row.enabled = changes.enabled

    async def delete(self, platform_id: str) -> None:
        async with self._db.begin() as session:
            await session.delete(await self._row(session, platform_id))
        logger.info("Deleted platform %s", platform_id)

    async def _row(self, session, platform_id: str) -> PlatformRow:
        return await row_or_404(session, PlatformRow, platform_id, "Platform")

    @staticmethod
    def _name_taken(name: str) -> Conflict:
        return name_taken("A platform", name)
