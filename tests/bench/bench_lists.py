"""Benchmark the conversation and message lists at two database sizes, over both doors.

Run by hand (not part of the test suite):

    .venv/bin/python tests/bench/bench_lists.py [--requests 400]

It builds two data directories: "small" has 100 conversations with 10 messages in one, and "large"
has 100,000 conversations with 10,000 messages in one. On each it starts `python -m ruri` and times
the first page of `GET /api/conversations` and a page of `GET /api/conversations/:id/messages`. It
times the same operations over `/graphql`, and two bare aiohttp handlers: one returns the same JSON
bytes, the other runs the same service query and serialises it without GraphQL.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rest_compat.operations import load_operations  # noqa: E402
from rest_compat.routes import ROUTES  # noqa: E402
from ruri.config import Settings  # noqa: E402
from ruri.services.container import Services  # noqa: E402
from schema import build_schema  # noqa: E402

# The small database has 10 messages in its busy conversation, so a page of 10 makes both sizes
# return the same number of rows and the ratio compares equal work.
MESSAGE_PAGE = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def fill_database(db_path: Path, conversations: int, messages: int) -> str:
    """Insert rows straight into SQLite and return the id of the conversation with the messages."""
    connection = sqlite3.connect(db_path)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for index in range(conversations):
        moment = stamp(base + timedelta(seconds=index))
        rows.append((str(uuid.uuid4()), "bench", "private" if index % 2 else "group",
                     f"chat-{index}", f"Conversation {index}", 0, moment, moment))
    busy_id = rows[-1][0]
    rows[-1] = (*rows[-1][:5], messages, *rows[-1][6:])
    connection.executemany("INSERT INTO conversations VALUES (?,?,?,?,?,?,?,?)", rows)
    message_rows = [
        (None, str(uuid.uuid4()), busy_id, "user" if index % 2 else "assistant",
         f"message {index} " + "text " * 20, None, None, "complete",
         stamp(base + timedelta(milliseconds=index)))
        for index in range(messages)
    ]
    connection.executemany(
        "INSERT INTO messages (seq, id, conversation_id, role, content, tool_calls, tool_call_id,"
        " status, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        message_rows,
    )
    connection.commit()
    connection.close()
    return busy_id


async def wait_for(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(url + "/") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


async def start_ruri(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ruri", "--port", str(port), "--data-dir", str(data_dir),
         "--log-level", "warning"],
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    await wait_for(url)
    return process, url


async def prepare(name: str, conversations: int, messages: int, workdir: Path):
    data_dir = workdir / name
    process, url = await start_ruri(data_dir)  # runs the migrations
    process.terminate()
    process.wait()
    busy_id = fill_database(data_dir / "ruri.db", conversations, messages)
    process, url = await start_ruri(data_dir)
    return process, url, busy_id


async def time_requests(session, method: str, url: str, count: int, **kwargs) -> list[float]:
    for _ in range(20):  # warm up connections and caches
        async with session.request(method, url, **kwargs) as response:
            await response.read()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        async with session.request(method, url, **kwargs) as response:
            await response.read()
            assert response.status == 200, await response.text()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def graphql_body(operation, variables: dict) -> dict:
    return {"query": operation.source, "operationName": operation.name, "variables": variables}


def data_json(items) -> bytes:
    rows = [
        {key: value.isoformat() if isinstance(value, datetime) else value
         for key, value in dataclasses.asdict(item).items()}
        for item in items
    ]
    return json.dumps(rows, ensure_ascii=False).encode()


async def bare_server(bodies: dict[str, bytes], data_dir: Path, busy_id: str):
    """Serve the same JSON two ways: fixed bytes, and the same service query without GraphQL."""
    services = Services.build(Settings(data_dir=data_dir))

    async def static(request: web.Request) -> web.Response:
        return web.Response(body=bodies[request.match_info["name"]], content_type="application/json")

    async def service(request: web.Request) -> web.Response:
        if request.match_info["name"] == "conversations":
            items = await services.conversations.list({})
        else:
            items = await services.conversations.messages(busy_id, {"limit": MESSAGE_PAGE})
        return web.Response(body=data_json(items), content_type="application/json")

    app = web.Application()
    app.router.add_get("/bare/{name}", static)
    app.router.add_get("/service/{name}", service)
    app.on_cleanup.append(lambda _app: services.aclose())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def measure_size(url: str, data_dir: Path, busy_id: str, operations, count: int) -> dict[str, float]:
    results: dict[str, float] = {}
    async with aiohttp.ClientSession() as session:
        async with session.post(url + "/api/auth/login", json={"username": "ruri", "password": "ruri"}) as r:
            token = (await r.json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        cases = {
            "conversations": ("/api/conversations", operations["ListConversations"], {}),
            "messages": (f"/api/conversations/{busy_id}/messages?limit={MESSAGE_PAGE}",
                         operations["ListMessages"], {"conversationId": busy_id, "limit": MESSAGE_PAGE}),
        }
        bodies = {}
        for name, (path, operation, variables) in cases.items():
            rest = await time_requests(session, "GET", url + path, count, headers=headers)
            gql = await time_requests(session, "POST", url + "/graphql", count, headers=headers,
                                      json=graphql_body(operation, variables))
            results[f"{name} rest"] = statistics.median(rest)
            results[f"{name} graphql"] = statistics.median(gql)
            async with session.get(url + path, headers=headers) as response:
                bodies[name] = await response.read()
        runner, bare_url = await bare_server(bodies, data_dir, busy_id)
        try:
            for name in cases:
                bare = await time_requests(session, "GET", f"{bare_url}/bare/{name}", count)
                results[f"{name} bare static"] = statistics.median(bare)
                bare = await time_requests(session, "GET", f"{bare_url}/service/{name}", count)
                results[f"{name} bare service"] = statistics.median(bare)
        finally:
            await runner.cleanup()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="timed requests per case")
    args = parser.parse_args()
    operations = load_operations(build_schema(Settings())._schema)
    assert {route.operation for route in ROUTES} >= {"ListConversations", "ListMessages"}

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        figures = {}
        for name, conversations, messages in (("small", 100, 10), ("large", 100_000, 10_000)):
            started = time.perf_counter()
            process, url, busy_id = await prepare(name, conversations, messages, workdir)
            print(f"{name}: filled and started in {time.perf_counter() - started:.1f} s", flush=True)
            try:
                figures[name] = await measure_size(url, workdir / name, busy_id, operations, args.requests)
            finally:
                process.terminate()
                process.wait()

    print(json.dumps(figures, indent=2))
    for case in ("conversations", "messages"):
        large, small = figures["large"], figures["small"]
        print(f"{case}: large/small REST {large[case + ' rest'] / small[case + ' rest']:.2f}, "
              f"large/small GraphQL {large[case + ' graphql'] / small[case + ' graphql']:.2f}, "
              f"REST/GraphQL {large[case + ' rest'] / large[case + ' graphql']:.2f}, "
              f"GraphQL/bare service {large[case + ' graphql'] / large[case + ' bare service']:.2f}, "
              f"GraphQL/bare static {large[case + ' graphql'] / large[case + ' bare static']:.2f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    asyncio.run(main())
