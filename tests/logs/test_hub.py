"""The ring buffer and the subscriber queues, in process."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from ruri.logs.hub import LogHub

NOW = datetime.now(UTC)


def publish(hub: LogHub, count: int, level: str = "info") -> None:
    for index in range(count):
        hub.publish(level, f"record {index}", NOW, "tests.hub")


async def test_hub_ids_grow_by_one():
    hub = LogHub(buffer_size=10, subscriber_queue=10)
    publish(hub, 3)
    assert [record.id for record in hub.recent(0, 10)] == [1, 2, 3]


async def test_hub_buffer_keeps_newest():
    hub = LogHub(buffer_size=10, subscriber_queue=10)
    publish(hub, 25)
    assert [record.id for record in hub.recent(0, 100)] == list(range(16, 26))


async def test_hub_recent_limit_and_level():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    publish(hub, 5, "info")
    publish(hub, 5, "error")
    found = hub.recent(logging.ERROR, 3)
    assert [record.id for record in found] == [8, 9, 10]


async def test_subscriber_replays_after_since():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    publish(hub, 5)
    replay, _ = hub.subscribe(0, since=3)
    assert [record.id for record in replay] == [4, 5]


async def test_subscriber_without_since_skips_buffer():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    publish(hub, 5)
    replay, _ = hub.subscribe(0, since=None)
    assert replay == []


async def test_subscriber_level_filters():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(logging.WARNING, since=None)
    hub.publish("info", "quiet", NOW, "tests.hub")
    hub.publish("warning", "loud", NOW, "tests.hub")
    batch = await subscriber.next_batch()
    assert [record.message for record in batch] == ["loud"]


async def test_stalled_subscriber_gets_notice_first():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(0, since=None)
    publish(hub, 25)
    batch = await subscriber.next_batch()
    assert batch[0].dropped == 15


async def test_stalled_subscriber_notice_is_warning():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(0, since=None)
    publish(hub, 25)
    notice = (await subscriber.next_batch())[0]
    assert (notice.level, notice.message.split(" ")[0], notice.id) == ("warning", "15", 15)


async def test_stalled_subscriber_keeps_newest():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(0, since=None)
    publish(hub, 25)
    batch = await subscriber.next_batch()
    assert [record.id for record in batch[1:]] == list(range(16, 26))


async def test_stalled_subscriber_leaves_others_whole():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, stalled = hub.subscribe(0, since=None)
    _, reader = hub.subscribe(0, since=None)
    received = []
    for index in range(25):
        hub.publish("info", f"record {index}", NOW, "tests.hub")
        received.extend(await reader.next_batch())
    assert [record.id for record in received] == list(range(1, 26))
    assert stalled.pending() == 25


async def test_stalled_subscriber_counts_dropped():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(0, since=None)
    publish(hub, 25)
    await subscriber.next_batch()
    assert subscriber.dropped_total == 15


async def test_stalled_subscriber_behind_ring():
    hub = LogHub(buffer_size=20, subscriber_queue=10)
    _, subscriber = hub.subscribe(0, since=None)
    publish(hub, 50)
    batch = await subscriber.next_batch()
    assert (batch[0].dropped, [record.id for record in batch[1:]]) == (40, list(range(41, 51)))


async def test_dropped_notice_counts_only_its_level():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(logging.WARNING, since=None)
    publish(hub, 30, "info")
    publish(hub, 12, "warning")
    batch = await subscriber.next_batch()
    assert batch[0].dropped == 2


async def test_subscriber_wakes_on_publish():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(0, since=None)
    waiting = asyncio.create_task(subscriber.next_batch())
    await asyncio.sleep(0)
    hub.publish("info", "wake", NOW, "tests.hub")
    batch = await asyncio.wait_for(waiting, 5)
    assert batch[0].message == "wake"


async def test_unsubscribe_stops_delivery():
    hub = LogHub(buffer_size=100, subscriber_queue=10)
    _, subscriber = hub.subscribe(0, since=None)
    hub.unsubscribe(subscriber)
    assert hub.subscribers == ()
