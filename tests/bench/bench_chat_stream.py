"""Benchmark the time to the first streamed text of a chat, through Ruri and without it.

Run by hand (not part of the test suite):

    .venv/bin/python tests/bench/bench_chat_stream.py [--rounds 200]

It starts the scripted model server in this process and `python -m ruri` in a child process with a
temporary data directory. Each round times, from sending the request to receiving the first text
piece:

- direct: a streamed `chat.completions.create` call with the `openai` SDK to the model server;
- ruri: the `chat` subscription over `graphql-transport-ws`, in a fresh conversation, which stores
  the user message, builds the history and tools, and streams from the same model server.

The difference of the medians is Ruri's overhead on the first token.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import openai

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.model_server import ModelServer, Reply  # noqa: E402

SUBSCRIPTION = """
subscription Chat($input: ChatInput!) {
  chat(input: $input) { kind text }
}
"""
PIECES = ["Hello", " from", " the", " scripted", " model."]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_for_server(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(1200):
        try:
            async with session.post(url + "/api/auth/login", json={"username": "ruri", "password": "ruri"}) as answer:
                if answer.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("Ruri did not start within 120 s")


async def time_direct(client: openai.AsyncOpenAI) -> float:
    started = time.perf_counter()
    stream = await client.chat.completions.create(
        model="scripted-small", messages=[{"role": "user", "content": "Hi"}], stream=True
    )
    async with stream:
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                elapsed = time.perf_counter() - started
                break
        async for _chunk in stream:
            pass
    return elapsed


async def time_ruri(session: aiohttp.ClientSession, url: str, token: str, round_number: int) -> float:
    created = await session.post(url + "/api/conversations", json={
        "bot_name": "bench", "chat_type": "private", "chat_id": f"round-{round_number}"})
    conversation_id = (await created.json())["id"]
    async with session.ws_connect(url.replace("http", "ws") + "/graphql",
                                  protocols=["graphql-transport-ws"]) as ws:
        await ws.send_json({"type": "connection_init", "payload": {"token": token}})
        await ws.receive_json()
        started = time.perf_counter()
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIPTION,
            "variables": {"input": {"message": "Hi", "conversationId": conversation_id}}}})
        elapsed = None
        while True:
            message = json.loads((await ws.receive()).data)
            if message["type"] == "complete":
                break
            if message["type"] != "next":
                continue
            event = message["payload"]["data"]["chat"]
            if event["kind"] == "delta" and elapsed is None:
                elapsed = time.perf_counter() - started
    return elapsed


async def main(rounds: int) -> None:
    model = ModelServer()
    await model.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "RURI_LOG_LEVEL": "warning"}
        process = subprocess.Popen(
            [sys.executable, "-m", "ruri", "--port", str(port), "--data-dir", data_dir],
            cwd=ROOT, env=env,
        )
        try:
            await run_rounds(model, url, rounds)
        finally:
            process.terminate()
            process.wait(timeout=10)
            await model.stop()


async def run_rounds(model: ModelServer, url: str, rounds: int) -> None:
    async with aiohttp.ClientSession() as session:
        await wait_for_server(session, url)
        async with session.post(url + "/api/auth/login", json={"username": "ruri", "password": "ruri"}) as answer:
            token = (await answer.json())["token"]
        session.headers["Authorization"] = f"Bearer {token}"
        await session.post(url + "/api/providers", json={
            "name": "scripted", "provider_type": "openai_compatible", "api_url": model.url,
            "api_key": "", "model": "scripted-small"})
        client = openai.AsyncOpenAI(base_url=model.url, api_key="bench", max_retries=0)

        direct: list[float] = []
        through_ruri: list[float] = []
        for round_number in range(rounds):
            model.queue(Reply(pieces=PIECES))
            direct.append(await time_direct(client))
            model.queue(Reply(pieces=PIECES))
            through_ruri.append(await time_ruri(session, url, token, round_number))
        await client.close()

    report("direct openai call", direct)
    report("ruri chat subscription", through_ruri)
    overhead = statistics.median(through_ruri) - statistics.median(direct)
    print(f"median overhead: {overhead * 1000:.2f} ms over {rounds} rounds")


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    print(f"{label:24} median {statistics.median(samples) * 1000:7.2f} ms   p90 {p90 * 1000:7.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="rounds per path (default 200)")
    asyncio.run(main(parser.parse_args().rounds))
