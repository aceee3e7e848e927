"""Stopping chat runs: repeated and concurrent stop requests, and what a stop stores."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tests.agent.helpers import CHAT_RUN_SUBSCRIPTION, GraphQLSocket, messages
from tests.support.model_server import Reply

PIECES = [f"w{n} " for n in range(200)]


async def rest_stop(client) -> bool:
    answer = await client.post("/api/chat/stop", {})
    assert answer.status == 200, answer.text
    return answer.json["stopped"]


async def graphql_stop(client) -> bool:
    result = await client.graphql("mutation { stopChat { stopped } }")
    assert not result.get("errors"), result
    return result["data"]["stopChat"]["stopped"]


async def stop_twice_while_streaming(
    client, model, stop: Callable[[], Awaitable[bool]], other_stop: Callable[[], Awaitable[bool]]
):
    """Stream a long reply, send both stops at once after the first delta, return the outcomes."""
    model.queue(Reply(pieces=PIECES, chunk_delay=0.02))
    waiting = asyncio.create_task(client.post("/api/chat", {"message": "talk"}))
    await model.request_started.wait()
    conversation = await client.get("/api/conversations?bot_name=web")
    conversation_id = conversation.json[0]["id"]
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_RUN_SUBSCRIPTION, {"conversationId": conversation_id})
        await socket.events(until_kind="delta")
        stopped = await asyncio.gather(stop(), other_stop())
        events = await socket.events()
    answer = await waiting
    stored = await messages(client, conversation_id)
    return stopped, events, answer, stored


async def test_stop_two_rest_requests_keep_partial(client, provider, model):
    stopped, events, answer, stored = await stop_twice_while_streaming(
        client, model, lambda: rest_stop(client), lambda: rest_stop(client)
    )
    assert stopped == [True, True]
    assert events[-1]["kind"] == "final"
    assert events[-1]["message"]["status"] == "stopped"
    assert answer.status == 200, answer.text
    assert answer.json["message"]["status"] == "stopped"
    assert [(m["role"], m["status"]) for m in stored] == [
        ("user", "complete"), ("assistant", "stopped")
    ]
    assert 0 < len(stored[-1]["content"]) < len("".join(PIECES))
    assert answer.json["message"]["content"] == stored[-1]["content"]


async def test_stop_graphql_and_rest_keep_partial(client, provider, model):
    stopped, events, answer, stored = await stop_twice_while_streaming(
        client, model, lambda: graphql_stop(client), lambda: rest_stop(client)
    )
    assert stopped == [True, True]
    assert events[-1]["kind"] == "final"
    assert answer.status == 200, answer.text
    assert answer.json["message"]["status"] == "stopped"
    assert [(m["role"], m["status"]) for m in stored] == [
        ("user", "complete"), ("assistant", "stopped")
    ]
    assert stored[-1]["content"] != ""


async def test_stop_before_first_token_empty_message(client, provider, model):
    # REST `message` must be an assistant message, and its `stopped` status is what tells a
    # waiting client about the stop, so a stop before any text still stores one empty message.
    release = asyncio.Event()
    model.queue(Reply(text="never sent", hold=release), Reply(text="second"))
    waiting = asyncio.create_task(client.post("/api/chat", {"message": "wait"}))
    await model.request_started.wait()
    stopped = await rest_stop(client)
    release.set()
    answer = await waiting
    assert stopped is True
    assert answer.status == 200, answer.text
    assert answer.json["message"]["status"] == "stopped"
    stored = await messages(client, answer.json["conversation_id"])
    assert [(m["role"], m["content"], m["status"]) for m in stored] == [
        ("user", "wait", "complete"), ("assistant", "", "stopped")
    ]
    await client.post("/api/chat", {"message": "again"})
    sent = [(m["role"], m["content"]) for m in model.requests[-1].body["messages"][1:]]
    assert sent == [("user", "wait"), ("user", "again")]


async def test_stop_numeric_id_coerced_to_id(client, provider):
    # GraphQL coerces an integer to `ID`, and the REST route runs a fixed GraphQL operation.
    answer = await client.post("/api/chat/stop", {"conversation_id": 5})
    assert answer.status == 404, answer.text
    assert "5" in answer.json["error"]
