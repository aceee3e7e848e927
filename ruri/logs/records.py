"""The log record that the buffer stores and subscribers receive, and the level names."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

LEVEL_NUMBERS: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
LEVEL_NAMES = tuple(LEVEL_NUMBERS)


def level_name(levelno: int) -> str:
    """Return the lowercase name of the highest standard level at or below `levelno`."""
    if levelno >= logging.CRITICAL:
        return "critical"
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warning"
    if levelno >= logging.INFO:
        return "info"
    return "debug"


@dataclass(frozen=True, slots=True)
class LogRecordData:
    """One log record as clients see it; `dropped` is set only on a dropped-records notice."""

    id: int
    level: str
    message: str
    timestamp: datetime
    logger: str
    conversation_id: str | None = None
    request_id: str | None = None
    dropped: int | None = None

    @property
    def levelno(self) -> int:
        return LEVEL_NUMBERS[self.level]
