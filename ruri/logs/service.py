"""The log service: install the root handler, list recent records, follow the live stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from ruri.config import Settings
from ruri.logs.handler import HubHandler
from ruri.logs.hub import LogHub
from ruri.logs.libraries import restore_library_levels, set_library_levels
from ruri.logs.records import LEVEL_NUMBERS, LogRecordData
from ruri.services.validation import parse_input

logger = logging.getLogger(__name__)

LevelName = Literal["debug", "info", "warning", "error", "critical"]
DEFAULT_RECENT_LIMIT = 100


def _lowercase(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


class FollowLogsInput(BaseModel):
    level: LevelName = "debug"
    since: int | None = Field(default=None, ge=0)

    _level_case = field_validator("level", mode="before")(_lowercase)


class RecentLogsInput(BaseModel):
    level: LevelName = "debug"
    limit: int = Field(default=DEFAULT_RECENT_LIMIT, ge=1, le=100_000)

    _level_case = field_validator("level", mode="before")(_lowercase)


class LogService:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.hub = LogHub(settings.log_buffer_size, settings.log_subscriber_queue)
        self._handler: HubHandler | None = None
        # The root level before `install` lowered it, restored by `uninstall`.
        self._root_level_before: int | None = None
        self._library_levels_before: dict[str, int] = {}

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Attach the handler to the root logger at the configured level, bound to `loop`."""
        level = LEVEL_NUMBERS[self._settings.log_level]
        handler = HubHandler(self.hub, level)
        handler.attach(loop)
        root = logging.getLogger()
        # The live log shows what the server is set to write even when nothing configured the
        # root logger (tests, embedding), whose default level is WARNING.
        if root.getEffectiveLevel() > level:
            self._root_level_before = root.level
            root.setLevel(level)
        self._library_levels_before = set_library_levels(level, self._settings.log_library_debug)
        root.addHandler(handler)
        self._handler = handler

    def uninstall(self) -> None:
        if self._handler is None:
            return
        root = logging.getLogger()
        root.removeHandler(self._handler)
        self._handler.detach()
        self._handler = None
        if self._root_level_before is not None:
            root.setLevel(self._root_level_before)
        self._root_level_before = None
        restore_library_levels(self._library_levels_before)
        self._library_levels_before = {}

    def parse_follow(self, data: dict) -> FollowLogsInput:
        """Validate the filter of a live stream; the WebSocket route calls it before upgrading."""
        return parse_input(FollowLogsInput, data)

    def recent(self, data: dict) -> list[LogRecordData]:
        """Return the newest buffered records at or above `level`, oldest first."""
        payload = parse_input(RecentLogsInput, data)
        return self.hub.recent(LEVEL_NUMBERS[payload.level], payload.limit)

    async def follow_batches(self, data: dict) -> AsyncIterator[list[LogRecordData]]:
        """Yield the records of `follow` in lists of those that were ready together.

        One GraphQL result per list instead of per record keeps a busy log cheap to stream.
        """
        payload = self.parse_follow(data)
        replay, subscriber = self.hub.subscribe(LEVEL_NUMBERS[payload.level], payload.since)
        try:
            if replay:
                yield replay
            while True:
                yield await subscriber.next_batch()
        finally:
            self.hub.unsubscribe(subscriber)

    async def follow(self, data: dict) -> AsyncIterator[LogRecordData]:
        """Yield the buffered records after `since`, then live records, until the caller stops.

        A reader that falls behind `log_subscriber_queue` records gets a notice record (with
        `dropped` set) in place of the records it lost.
        """
        payload = self.parse_follow(data)
        replay, subscriber = self.hub.subscribe(LEVEL_NUMBERS[payload.level], payload.since)
        try:
            for record in replay:
                yield record
            while True:
                for record in await subscriber.next_batch():
                    yield record
        finally:
            self.hub.unsubscribe(subscriber)
