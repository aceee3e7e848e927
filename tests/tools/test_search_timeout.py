"""A catastrophic regular expression in search_files stops at its budget and never blocks the
server: other requests are still served while it runs."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from ruri.agent.tools import ToolFailed
from tests.support.model_server import Reply
from tests.tools.support import call_tool, workspace_of

# `regex` cuts `(a+)+` short by itself, but this alternation still backtracks exponentially.
CATASTROPHIC = "(a|aa)+$"
# A search budget is 3/4 of the tool timeout, so these servers stop searches after 2.25 s and 6 s.
SHORT_TIMEOUT = 3.0
CHAT_TIMEOUT = 8.0
# Slow enough to show a blocked event loop (the search budget is 6 s), generous for a busy machine.
PROMPT_ANSWER_SECONDS = 2.0


async def _redos_server(make_server, tool_timeout: float):
    server = await make_server(tool_timeout_seconds=tool_timeout)
    (workspace_of(server) / "redos.txt").write_text("a" * 28 + "!\n" + "a" * 60 + "!\n")
    return server


async def _search_error(server, pattern: str) -> str:
    with pytest.raises(ToolFailed) as caught:
        await call_tool(server, "search_files", {"path": ".", "content": pattern, "regex": True})
    return str(caught.value)


async def test_search_catastrophic_regex_stops_in_time(make_server):
    server = await _redos_server(make_server, SHORT_TIMEOUT)
    started = time.monotonic()
    await _search_error(server, CATASTROPHIC)
    assert time.monotonic() - started < SHORT_TIMEOUT


async def test_search_catastrophic_regex_names_pattern(make_server):
    server = await _redos_server(make_server, SHORT_TIMEOUT)
    message = await _search_error(server, CATASTROPHIC)
    assert f"Regular expression '{CATASTROPHIC}' timed out after 2.25 s" in message


async def test_search_catastrophic_regex_suggests_simpler(make_server):
    server = await _redos_server(make_server, SHORT_TIMEOUT)
    message = await _search_error(server, CATASTROPHIC)
    assert "Use a simpler pattern" in message


async def test_search_nested_quantifier_finishes(make_server):
    server = await _redos_server(make_server, SHORT_TIMEOUT)
    arguments = {"path": ".", "content": "(a+)+$", "regex": True}
    assert await call_tool(server, "search_files", arguments) == "No matches."


async def _time_requests_until_done(client, chat: asyncio.Task) -> list[float]:
    """Ask for the current user again and again while the chat runs; return each answer's time."""
    times: list[float] = []
    while not chat.done():
        started = time.monotonic()
        answer = await client.get("/api/auth/me")
        assert answer.status == 200, answer.text
        times.append(time.monotonic() - started)
        await asyncio.wait({chat}, timeout=0.1)
    return times


@pytest.fixture
async def redos_chat(make_server, make_client, model):
    """A logged-in client of a server whose scripted model runs the catastrophic search."""
    server = await _redos_server(make_server, CHAT_TIMEOUT)
    client = make_client(server.url)
    await client.login()
    answer = await client.post(
        "/api/providers",
        {"name": "scripted", "provider_type": "openai_compatible", "api_url": model.url,
         "api_key": "sk-test-key-1234", "model": "scripted-small"},
    )
    assert answer.status == 201, answer.text
    arguments = json.dumps({"path": ".", "content": CATASTROPHIC, "regex": True})
    model.queue(
        Reply(tool_calls=[{"name": "search_files", "arguments": arguments}]),
        Reply(text="That search was too slow."),
    )
    return client


async def test_search_catastrophic_regex_keeps_server_answering(redos_chat, model):
    chat = asyncio.create_task(redos_chat.post("/api/chat", {"message": "Find the a's"}))
    await model.request_started.wait()
    times = await _time_requests_until_done(redos_chat, chat)
    assert max(times) < PROMPT_ANSWER_SECONDS


async def test_search_catastrophic_regex_error_reaches_model(redos_chat, model):
    answer = await redos_chat.post("/api/chat", {"message": "Find the a's"})
    assert answer.status == 200, answer.text
    result = model.requests[1].body["messages"][-1]["content"]
    assert f"Regular expression '{CATASTROPHIC}' timed out after 6 s" in result
