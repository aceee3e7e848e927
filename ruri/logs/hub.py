"""The ring buffer of recent records and the publish/subscribe hub that feeds live readers.

Everything here runs on the event loop thread, except `publish` while no loop is attached (then
nothing can subscribe, and a lock keeps ids in order). `publish` never awaits: a subscriber that
falls behind loses its oldest records instead of slowing the server or the other subscribers.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from datetime import UTC, datetime

from ruri.logs.records import LogRecordData


class Subscriber:
    """One reader's bounded queue; when full, the oldest record is dropped and counted."""

    def __init__(self, min_levelno: int, max_queue: int) -> None:
        self.min_levelno = min_levelno
        self.max_queue = max_queue
        self.dropped_total = 0
        self._dropped_pending = 0
        self._last_dropped: LogRecordData | None = None
        self._queue: deque[LogRecordData] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def push(self, record: LogRecordData) -> None:
        if len(self._queue) >= self.max_queue:
            self._last_dropped = self._queue.popleft()
            self._dropped_pending += 1
            self.dropped_total += 1
        self._queue.append(record)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next_batch(self) -> list[LogRecordData]:
        """Wait for records, then return all queued ones, after a notice if any were dropped."""
        while not self._queue:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        batch: list[LogRecordData] = []
        if self._dropped_pending:
            batch.append(dropped_notice(self._dropped_pending, self._last_dropped))
            self._dropped_pending = 0
        batch.extend(self._queue)
        self._queue.clear()
        return batch


def dropped_notice(count: int, last_dropped: LogRecordData | None) -> LogRecordData:
    """Build the record that tells a subscriber how many records it missed.

    The notice carries the id of the newest dropped record, so a client that resumes with
    `since` set to the last id it saw never asks again for what it was told it missed.
    """
    return LogRecordData(
        id=last_dropped.id if last_dropped else 0,
        level="warning",
        message=f"{count} records were dropped because this subscriber fell behind",
        timestamp=last_dropped.timestamp if last_dropped else datetime.now(UTC),
        logger="ruri.logs",
        dropped=count,
    )


class LogHub:
    def __init__(self, buffer_size: int, subscriber_queue: int) -> None:
        self.subscriber_queue = subscriber_queue
        self._buffer: deque[LogRecordData] = deque(maxlen=buffer_size)
        self._subscribers: list[Subscriber] = []
        self._next_id = 1
        self._lock = threading.Lock()

    @property
    def subscribers(self) -> tuple[Subscriber, ...]:
        return tuple(self._subscribers)

    @property
    def last_id(self) -> int:
        return self._next_id - 1

    def publish(
        self,
        level: str,
        message: str,
        timestamp: datetime,
        logger: str,
        conversation_id: str | None = None,
        request_id: str | None = None,
    ) -> LogRecordData:
        """Number the record, buffer it and hand it to every subscriber whose level it meets."""
        with self._lock:
            record = LogRecordData(
                self._next_id, level, message, timestamp, logger, conversation_id, request_id
            )
            self._next_id += 1
            self._buffer.append(record)
        levelno = record.levelno
        for subscriber in self._subscribers:
            if levelno >= subscriber.min_levelno:
                subscriber.push(record)
        return record

    def recent(self, min_levelno: int, limit: int) -> list[LogRecordData]:
        """Return the newest `limit` buffered records at or above the level, oldest first."""
        found: list[LogRecordData] = []
        for record in reversed(self._buffer):
            if record.levelno >= min_levelno:
                found.append(record)
                if len(found) >= limit:
                    break
        found.reverse()
        return found

    def subscribe(
        self, min_levelno: int, since: int | None
    ) -> tuple[list[LogRecordData], Subscriber]:
        """Register a subscriber and return the buffered records after `since` to replay first.

        Both happen in one synchronous step on the loop, so no record falls between the replay
        and the live queue, and none arrives twice.
        """
        replay: list[LogRecordData] = []
        if since is not None:
            replay = [
                record
                for record in self._buffer
                if record.id > since and record.levelno >= min_levelno
            ]
        subscriber = Subscriber(min_levelno, self.subscriber_queue)
        self._subscribers.append(subscriber)
        return replay, subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)
