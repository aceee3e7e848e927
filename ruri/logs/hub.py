"""The ring of recent records and the subscribers that read it at their own pace.

Publishing stores a record once in a ring that all subscribers share; each subscriber keeps only
a cursor (the last id it read). So a publish costs the same for 1 or 100 subscribers, and it
never waits: a subscriber whose unread records at its level exceed `subscriber_queue` loses the
oldest of them and gets a notice instead, without slowing the server or the other subscribers.

Everything here runs on the event loop thread, except `publish` while no loop is attached (then
nothing can subscribe, and a lock keeps ids in order).
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from ruri.logs.records import LogRecordData


def dropped_notice(count: int, last_dropped_id: int) -> LogRecordData:
    """Build the record that tells a subscriber how many records it missed.

    The notice carries the id of the newest dropped record, so a client that resumes with
    `since` set to the last id it saw never asks again for what it was told it missed.
    """
    return LogRecordData(
        id=last_dropped_id,
        level="warning",
        message=f"{count} records were dropped because this subscriber fell behind",
        timestamp=datetime.now(UTC),
        logger="ruri.logs",
        dropped=count,
    )


class LogHub:
    def __init__(self, buffer_size: int, subscriber_queue: int) -> None:
        self.buffer_size = buffer_size
        self.subscriber_queue = subscriber_queue
        # The ring also holds every record a subscriber may still read.
        self._capacity = max(buffer_size, subscriber_queue)
        self._ring: list[LogRecordData | None] = [None] * self._capacity
        self._next_id = 1
        self._lock = threading.Lock()
        self._waiters: list[asyncio.Future[None]] = []
        self._subscribers: list[Subscriber] = []

    @property
    def last_id(self) -> int:
        return self._next_id - 1

    @property
    def oldest_id(self) -> int:
        """Return the id of the oldest record still in the ring (1 before it wraps)."""
        return max(1, self._next_id - self._capacity)

    @property
    def subscribers(self) -> tuple[Subscriber, ...]:
        return tuple(self._subscribers)

    def publish(
        self,
        level: str,
        message: str,
        timestamp: datetime,
        logger: str,
        conversation_id: str | None = None,
        request_id: str | None = None,
    ) -> LogRecordData:
        """Number and store the record, then wake the subscribers that wait for one."""
        with self._lock:
            record = LogRecordData(
                self._next_id, level, message, timestamp, logger, conversation_id, request_id
            )
            self._ring[self._next_id % self._capacity] = record
            self._next_id += 1
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
        return record

    def between(self, first_id: int, last_id: int, min_levelno: int) -> list[LogRecordData]:
        """Return the records with `first_id <= id <= last_id` at or above the level."""
        first_id = max(first_id, self.oldest_id)
        if first_id > last_id:
            return []
        start, stop = first_id % self._capacity, last_id % self._capacity + 1
        if start < stop:
            span = self._ring[start:stop]
        else:
            span = self._ring[start:] + self._ring[:stop]
        return [record for record in span if record.levelno >= min_levelno]

    def recent(self, min_levelno: int, limit: int) -> list[LogRecordData]:
        """Return the newest `limit` buffered records at or above the level, oldest first."""
        first_id = max(1, self._next_id - self.buffer_size)
        return self.between(first_id, self.last_id, min_levelno)[-limit:]

    async def wait_for_record(self, after_id: int) -> None:
        while self.last_id <= after_id:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    def subscribe(
        self, min_levelno: int, since: int | None
    ) -> tuple[list[LogRecordData], Subscriber]:
        """Register a subscriber and return the buffered records after `since` to replay first.

        Both happen in one synchronous step on the loop, so no record falls between the replay
        and the live stream, and none arrives twice.
        """
        replay: list[LogRecordData] = []
        if since is not None:
            first_id = max(since + 1, self._next_id - self.buffer_size)
            replay = self.between(first_id, self.last_id, min_levelno)
        subscriber = Subscriber(self, min_levelno, self.last_id)
        self._subscribers.append(subscriber)
        return replay, subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)


class Subscriber:
    """One reader's position in the shared ring, with at most `subscriber_queue` unread records."""

    def __init__(self, hub: LogHub, min_levelno: int, cursor: int) -> None:
        self.min_levelno = min_levelno
        self.cursor = cursor
        self.dropped_total = 0
        self._hub = hub

    def pending(self) -> int:
        """Count the unread records at this subscriber's level that the ring still holds."""
        return len(self._hub.between(self.cursor + 1, self._hub.last_id, self.min_levelno))

    async def next_batch(self) -> list[LogRecordData]:
        """Wait for records, then return the unread ones, after a notice if any were dropped."""
        while True:
            await self._hub.wait_for_record(self.cursor)
            last_id = self._hub.last_id
            # NOTE: records already overwritten in the ring count as dropped whatever their
            # level; that only happens when a reader is `log_buffer_size` records behind.
            overwritten = max(0, self._hub.oldest_id - self.cursor - 1)
            batch = self._hub.between(self.cursor + 1, last_id, self.min_levelno)
            self.cursor = last_id
            limit = self._hub.subscriber_queue
            dropped = overwritten + max(0, len(batch) - limit)
            if dropped:
                self.dropped_total += dropped
                if len(batch) > limit:
                    newest_dropped = batch[-limit - 1].id
                else:
                    newest_dropped = self._hub.oldest_id - 1
                return [dropped_notice(dropped, newest_dropped), *batch[-limit:]]
            if batch:
                return batch
