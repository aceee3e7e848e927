"""Settings for the Agent Client Protocol door: which provider, skills and tools an ACP session uses.

The settings are one JSON object stored in the `settings` table under the key `acp`. A field that
was never set reads as its default: `active_provider_id` null (use the server's active provider),
`active_skill_names` empty (no skill preloaded) and `allowed_tools` empty (every tool allowed).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy.ext.asyncio import async_sessionmaker

from ruri.db.models import SettingRow
from ruri.db.types import utcnow
from ruri.errors import BadRequest, NotFound
from ruri.services.providers import ProviderService
from ruri.services.text import IdentifierText
from ruri.services.validation import parse_input
from ruri.skills import SkillService

logger = logging.getLogger(__name__)

ACP_SETTINGS_KEY = "acp"

# Skill names follow the rule of skill folder names. The rule is checked before any folder lookup,
# so a name such as `../x` never reaches the file system.
SKILL_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
TOOL_NAME = re.compile(r"\S{1,128}")


def _check_skill_name(value: str) -> str:
    if not SKILL_NAME.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a valid skill name (lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit, at most 64 characters)"
        )
    return value


def _check_tool_name(value: str) -> str:
    # Only the shape is checked: MCP servers add and remove tools at run time, so a name that no
    # source offers now may be valid later.
    if not TOOL_NAME.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a valid tool name (1 to 128 characters without whitespace)"
        )
    return value


SkillName = Annotated[str, AfterValidator(_check_skill_name)]
ToolName = Annotated[str, AfterValidator(_check_tool_name)]


@dataclass(frozen=True)
class AcpConfigData:
    active_provider_id: str | None = None
    active_skill_names: list[str] = field(default_factory=list)
    allowed_tools: list[str] = field(default_factory=list)


class AcpConfigUpdate(BaseModel):
    """The fields of a `PUT`; a field sent as null returns to its default."""

    active_provider_id: IdentifierText | None = Field(default=None, min_length=1, max_length=100)
    active_skill_names: list[SkillName] | None = Field(default=None, max_length=200)
    allowed_tools: list[ToolName] | None = Field(default=None, max_length=1000)


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _config_from_value(value: Any) -> AcpConfigData:
    stored = value if isinstance(value, dict) else {}
    return AcpConfigData(
        active_provider_id=stored.get("active_provider_id"),
        active_skill_names=list(stored.get("active_skill_names") or []),
        allowed_tools=list(stored.get("allowed_tools") or []),
    )


class AcpConfigService:
    def __init__(
        self,
        db: async_sessionmaker,
        providers: ProviderService,
        skills: SkillService,
    ) -> None:
        self._db = db
        self._providers = providers
        self._skills = skills

    async def get(self) -> AcpConfigData:
        async with self._db() as session:
            row = await session.get(SettingRow, ACP_SETTINGS_KEY)
            stored = _config_from_value(row.value if row else None)
        return await self._without_deleted(stored)

    async def _without_deleted(self, config: AcpConfigData) -> AcpConfigData:
        """Drop a provider id or skill names deleted since they were saved.

        The stored value keeps them, so they are checked on every read instead of when the
        provider or skill is deleted.
        """
        provider_id = config.active_provider_id
        if provider_id is not None and not await self._exists(self._providers.get, provider_id):
            provider_id = None
        skill_names = [
            name for name in config.active_skill_names if await self._exists(self._skills.get, name)
        ]
        return replace(config, active_provider_id=provider_id, active_skill_names=skill_names)

    @staticmethod
    async def _exists(lookup, key: str) -> bool:
        try:
            await lookup(key)
        except NotFound:
            return False
        return True

    async def update(self, data: dict) -> AcpConfigData:
        """Change only the fields in `data`, after checking that each provider and skill exists."""
        update = parse_input(AcpConfigUpdate, data)
        changes = update.model_dump(include=update.model_fields_set)
        if changes.get("active_provider_id") is not None:
            await self._check_provider(changes["active_provider_id"])
        if "active_skill_names" in changes:
            changes["active_skill_names"] = _unique(changes["active_skill_names"] or [])
            for name in changes["active_skill_names"]:
                await self._check_skill(name)
        if "allowed_tools" in changes:
            changes["allowed_tools"] = _unique(changes["allowed_tools"] or [])

        async with self._db.begin() as session:
            row = await session.get(SettingRow, ACP_SETTINGS_KEY)
            current = _config_from_value(row.value if row else None)
            value = {**current.__dict__, **changes}
            if row is None:
                session.add(SettingRow(key=ACP_SETTINGS_KEY, value=value, updated_at=utcnow()))
            else:
                row.value = value
                row.updated_at = utcnow()
        logger.info("Updated the ACP settings (fields: %s)", ", ".join(sorted(changes)) or "none")
        return await self._without_deleted(_config_from_value(value))

    async def _check_provider(self, provider_id: str) -> None:
        try:
            await self._providers.get(provider_id)
        except NotFound as exc:
            raise BadRequest(
                f"Invalid field 'active_provider_id': no provider has the id '{provider_id}'; "
                "list the providers with GET /api/providers",
                field="active_provider_id",
            ) from exc

    async def _check_skill(self, name: str) -> None:
        try:
            await self._skills.get(name)
        except NotFound as exc:
            raise self._unknown_skill(name) from exc

    @staticmethod
    def _unknown_skill(name: str) -> BadRequest:
        return BadRequest(
            f"Invalid field 'active_skill_names': no skill is named '{name}'; "
            "list the skills with GET /api/skills",
            field="active_skill_names",
        )
