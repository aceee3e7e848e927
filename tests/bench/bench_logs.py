"""Benchmark the live log: records per second delivered to 1, 10 and 100 subscribers.

Run by hand (not part of the test suite):

    .venv/bin/python tests/bench/bench_logs.py [--seconds 3] [--rate 5000]

Three runs per subscriber count:

- capacity: records logged in chunks that the readers drain in between; prints records per CPU
  second, which does not depend on what else the machine runs.
- hub: in-process subscribers read `LogService.follow` (the generator behind the GraphQL
  `logs` subscription) while the producer writes `rate` records per second through the standard
  `logging` root handler.
- ws: a Ruri server runs in this process and the producer logs into it; a child process opens
  that many `/api/ws/logs` WebSockets and counts frames, so server and clients use separate cores.

For each run it prints records received per subscriber per second, the share of records that
arrived, and how many were dropped (reported in `missed` notices).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ruri.config import Settings  # noqa: E402
from ruri.logs import LogService  # noqa: E402
from tests.support.server import Client, RuriServer  # noqa: E402

SUBSCRIBER_COUNTS = (1, 10, 100)
TICK_SECONDS = 0.01
producer_log = logging.getLogger("bench.producer")


async def produce(rate: int, seconds: float) -> int:
    """Log `rate` records per second for `seconds`, in 10 ms ticks; return how many."""
    per_tick = max(1, int(rate * TICK_SECONDS))
    started = time.perf_counter()
    sent = 0
    while (elapsed := time.perf_counter() - started) < seconds:
        target = int(elapsed / TICK_SECONDS + 1) * per_tick
        while sent < target:
            producer_log.info("bench record %d with some typical text, user=%s", sent, "u-1234")
            sent += 1
        await asyncio.sleep(TICK_SECONDS - elapsed % TICK_SECONDS)
    producer_log.info("bench end")
    return sent


def report(kind: str, subscribers: int, sent: int, seconds: float, counts, dropped: int) -> dict:
    received = min(counts)
    row = {
        "kind": kind,
        "subscribers": subscribers,
        "sent_per_s": round(sent / seconds),
        "min_received_per_s": round(received / seconds),
        "delivered_share": round(sum(counts) / (sent * subscribers), 4),
        "dropped": dropped,
    }
    print(json.dumps(row), flush=True)
    return row


async def hub_run(subscribers: int, rate: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        service = LogService(Settings(data_dir=Path(data_dir), log_level="info"))
        service.install(asyncio.get_running_loop())
        counts = [0] * subscribers
        dropped = [0] * subscribers

        async def follow(index: int) -> None:
            async for record in service.follow({"level": "info"}):
                if record.dropped:
                    dropped[index] += record.dropped
                elif record.message == "bench end":
                    return
                else:
                    counts[index] += 1

        readers = [asyncio.create_task(follow(index)) for index in range(subscribers)]
        await asyncio.sleep(0)
        sent = await produce(rate, seconds)
        await asyncio.wait_for(asyncio.gather(*readers), 60)
        service.uninstall()
    return report("hub", subscribers, sent, seconds, counts, sum(dropped))


async def capacity_run(subscribers: int, records: int = 20_000, chunk: int = 200) -> dict:
    """Log in chunks that fit the queues and let readers drain each; measure CPU per record.

    CPU time, unlike wall time, does not depend on what else the machine runs, so the
    result is the rate one core could sustain: records per CPU second, per subscriber.
    """
    with tempfile.TemporaryDirectory() as data_dir:
        service = LogService(Settings(data_dir=Path(data_dir), log_level="info"))
        service.install(asyncio.get_running_loop())
        counts = [0] * subscribers

        async def follow(index: int) -> None:
            async for record in service.follow({"level": "info"}):
                if record.message == "bench end":
                    return
                if not record.dropped:
                    counts[index] += 1

        readers = [asyncio.create_task(follow(index)) for index in range(subscribers)]
        await asyncio.sleep(0)
        started = time.process_time()
        for first in range(0, records, chunk):
            for number in range(first, first + chunk):
                producer_log.info("bench record %d with some typical text, user=%s", number, "u-1")
            await asyncio.sleep(0)
        producer_log.info("bench end")
        await asyncio.wait_for(asyncio.gather(*readers), 120)
        cpu = time.process_time() - started
        service.uninstall()
    row = {
        "kind": "capacity",
        "subscribers": subscribers,
        "records": records,
        "cpu_seconds": round(cpu, 3),
        "records_per_cpu_second": round(records / cpu),
        "delivered_share": round(sum(counts) / (records * subscribers), 4),
    }
    print(json.dumps(row), flush=True)
    return row


def ws_clients(url: str, token: str, subscribers: int, ready, results) -> None:
    """Child process: open the sockets, signal ready, count frames until `bench end`.

    It uses the `websockets` client, whose frame parser has C speedups, so the clients cost
    less CPU than the server they measure.
    """
    from websockets.asyncio.client import connect

    async def follow(socket) -> tuple[int, int]:
        count = dropped = 0
        async for data in socket:
            if '"type":"missed"' in data:
                dropped += json.loads(data)["count"]
            elif '"bench end"' in data:
                break
            else:
                count += 1
        return count, dropped

    async def main() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        sockets = [
            await connect(url + "?level=info", additional_headers=headers, max_queue=None)
            for _ in range(subscribers)
        ]
        ready.set()
        outcomes = await asyncio.gather(*(follow(socket) for socket in sockets))
        for socket in sockets:
            await socket.close()
        results.put(outcomes)

    asyncio.run(main())


async def ws_run(subscribers: int, rate: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        server = await RuriServer(Path(data_dir), log_level="info").start()
        client = Client(server.url)
        await client.login()
        context = multiprocessing.get_context("spawn")
        ready, results = context.Event(), context.Queue()
        url = server.url.replace("http://", "ws://") + "/api/ws/logs"
        child = context.Process(
            target=ws_clients, args=(url, client.token, subscribers, ready, results)
        )
        child.start()
        await asyncio.to_thread(ready.wait, 120)
        await asyncio.sleep(0.5)  # let the server subscribe every socket
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        sent = await produce(rate, seconds)
        server_cpu = (time.process_time() - cpu_started) / (time.perf_counter() - wall_started)
        outcomes = await asyncio.to_thread(results.get, True, 300)
        await asyncio.to_thread(child.join, 30)
        await client.close()
        await server.stop()
    counts = [count for count, _ in outcomes]
    # The share of one core the server process used while the producer ran.
    print(json.dumps({"kind": "ws", "subscribers": subscribers, "server_cpu_share": round(server_cpu, 2)}))
    return report("ws", subscribers, sent, seconds, counts, sum(d for _, d in outcomes))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="producer run time per case")
    parser.add_argument("--rate", type=int, default=5000, help="records per second to log")
    parser.add_argument("--skip-ws", action="store_true", help="run only the in-process cases")
    parser.add_argument("--only-ws", action="store_true", help="run only the WebSocket cases")
    args = parser.parse_args()
    # Only the live log handler; console output would dominate the measurement.
    logging.getLogger().handlers.clear()
    if not args.only_ws:
        for subscribers in SUBSCRIBER_COUNTS:
            await capacity_run(subscribers)
        for subscribers in SUBSCRIBER_COUNTS:
            await hub_run(subscribers, args.rate, args.seconds)
    if not args.skip_ws:
        for subscribers in SUBSCRIBER_COUNTS:
            await ws_run(subscribers, args.rate, args.seconds)


if __name__ == "__main__":
    asyncio.run(main())
