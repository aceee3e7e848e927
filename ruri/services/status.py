"""The agent status object, and a feed that pushes it whenever it changes.

Other services call `changed()` after anything the status shows may have changed (a chat run
starting or ending, a provider activated, skills or tools changed). Subscribers then read the
status again and receive it when it differs from what they last received.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ruri.errors import BadRequest

if TYPE_CHECKING:
    from ruri.services.container import Services

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentStatusData:
    processing: bool
    active_requests: int
    active_provider: str | None
    active_model: str | None
    skills_count: int
    tools_count: int
    uptime_seconds: int
    message_count: int

    def without_uptime(self) -> AgentStatusData:
        return dataclasses.replace(self, uptime_seconds=0)


class StatusService:
    def __init__(self, services: Services) -> None:
        # The container, not single services: tools and skills are added to it after this.
        self._services = services
        self._changed = asyncio.Event()

    async def get(self) -> AgentStatusData:
        services = self._services
        active = services.chat.active_runs
        provider = await self._active_provider()
        return AgentStatusData(
            processing=active > 0,
            active_requests=active,
            active_provider=provider.name if provider else None,
            active_model=provider.model if provider else None,
            skills_count=await self._skills_count(),
            tools_count=await self._tools_count(),
            uptime_seconds=int(time.monotonic() - services.started_at),
            message_count=await services.conversations.total_messages(),
        )

    async def changed(self) -> None:
        """Wake every subscriber so that it reads the status again."""
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def updates(self) -> AsyncIterator[AgentStatusData]:
        """Yield the status now, then again each time it changes (uptime alone does not count)."""
        # The waiter is taken before each read, so a change during the read is not missed.
        waiter = self._changed
        current = await self.get()
        yield current
        while True:
            await waiter.wait()
            waiter = self._changed
            status = await self.get()
            if status.without_uptime() != current.without_uptime():
                current = status
                yield status

    async def _active_provider(self):
        try:
            return await self._services.providers.active_connection()
        except BadRequest:
            return None

    async def _skills_count(self) -> int:
        return await self._services.skills.enabled_count()

    async def _tools_count(self) -> int:
        return len(await self._services.tools.tools())
