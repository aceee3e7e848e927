"""The `chat` and `chatRun` subscriptions, stopping runs, and the run limit."""

from __future__ import annotations

import asyncio

from tests.agent.helpers import (
    CHAT_RUN_SUBSCRIPTION,
    CHAT_SUBSCRIPTION,
    EchoTool,
    GraphQLSocket,
    HoldTool,
    add_tools,
    call,
    messages,
    wait_until,
)
from tests.support.model_server import Reply


async def provider_for(client, model) -> None:
    answer = await client.post("/api/providers", {"name": "p", "provider_type": "openai_compatible",
                                                  "api_url": model.url, "api_key": "k", "model": "m"})
    assert answer.status == 201, answer.text


async def web_conversation_id(client) -> str:
    answer = await client.get("/api/conversations?bot_name=web")
    return answer.json[0]["id"]


async def test_stream_deltas_join_to_stored_text(client, provider, model):
    model.queue(Reply(pieces=["Hel", "lo, ", "wör", "ld 🌸"]))
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "Hi"}})
        events = await socket.events()
    assert [event["kind"] for event in events] == ["user_message"] + ["delta"] * 4 + ["final"]
    assert events[0]["message"]["content"] == "Hi"
    deltas = [event["text"] for event in events if event["kind"] == "delta"]
    assert deltas == ["Hel", "lo, ", "wör", "ld 🌸"]
    final = events[-1]
    assert final["message"]["content"] == "".join(deltas)
    assert final["message"]["status"] == "complete"
    assert final["usage"] == {"promptTokens": 11, "completionTokens": 7}
    stored = await messages(client, final["conversationId"])
    assert stored[-1]["content"] == "Hello, wörld 🌸"
    assert model.requests[-1].body["stream"] is True


async def test_stream_tool_flow_events(server, client, provider, model):
    add_tools(server, EchoTool())
    model.queue(
        Reply(tool_calls=[call("echo", {"text": "ping"}, "e1")]),
        Reply(pieces=["pong"]),
    )
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "ping it"}})
        events = await socket.events()
    assert [event["kind"] for event in events] == [
        "user_message", "tool_call", "tool_result", "delta", "final"
    ]
    started = events[1]
    assert (started["toolName"], started["toolCallId"]) == ("echo", "e1")
    assert started["arguments"] == '{"text": "ping"}'
    result = events[2]
    assert result["text"] == "echo: ping"
    assert result["isError"] is False
    assert result["message"]["toolCallId"] == "e1"
    assert events[-1]["message"]["content"] == "pong"
    # The arguments reached Ruri in two streamed pieces and were joined.
    sent_call = model.requests[1].body["messages"][2]["tool_calls"][0]
    assert sent_call["function"]["arguments"] == '{"text": "ping"}'


async def test_stream_stop_stores_partial_answer(client, provider, model):
    pieces = [f"w{n} " for n in range(200)]
    model.queue(Reply(pieces=pieces, chunk_delay=0.02))
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "talk"}})
        await socket.events(until_kind="delta")
        conversation_id = await web_conversation_id(client)
        stop = await client.post("/api/chat/stop", {"conversation_id": conversation_id})
        rest = await socket.events()
    assert stop.status == 200, stop.text
    assert stop.json == {"conversation_id": conversation_id, "stopped": True}
    final = rest[-1]
    assert final["kind"] == "final"
    assert final["message"]["status"] == "stopped"
    stored = await messages(client, conversation_id)
    assert stored[-1]["status"] == "stopped"
    assert stored[-1]["content"] == final["message"]["content"]
    assert 0 < len(stored[-1]["content"]) < len("".join(pieces))
    await wait_until(lambda: model.closed_early >= 1)


async def test_stream_stop_without_run(client, provider):
    answer = await client.post("/api/chat/stop", {})
    assert answer.status == 200
    assert answer.json["stopped"] is False


async def test_stream_stop_unknown_conversation_404(client):
    answer = await client.post(
        "/api/chat/stop", {"conversation_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert answer.status == 404


async def test_stream_stop_during_tool_keeps_history_valid(server, client, provider, model):
    hold = HoldTool()
    add_tools(server, hold)
    model.queue(Reply(tool_calls=[call("hold", {}, "h1")]))
    task = asyncio.create_task(client.post("/api/chat", {"message": "wait"}))
    await hold.started.wait()
    stop = await client.graphql("mutation { stopChat { stopped } }")
    assert stop["data"]["stopChat"]["stopped"] is True
    answer = await task
    assert answer.status == 200
    assert answer.json["message"]["content"] == ""
    stored = await messages(client, answer.json["conversation_id"])
    assert [m["role"] for m in stored] == ["user", "assistant", "tool", "assistant"]
    assert stored[2]["tool_call_id"] == "h1"
    assert "stopped" in stored[2]["content"]
    assert stored[3]["status"] == "stopped"


async def test_stream_disconnect_still_stores_answer(server, client, provider, model):
    release = asyncio.Event()
    model.queue(Reply(text="finished anyway", hold=release))
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "go"}})
        first = await socket.events(until_kind="user_message")
        await model.request_started.wait()
    conversation_id = first[0]["conversationId"]
    run = server.services.chat.runs.get(conversation_id)
    release.set()
    result = await run.wait()
    assert result.message.content == "finished anyway"
    stored = await messages(client, conversation_id)
    assert [(m["role"], m["content"]) for m in stored] == [
        ("user", "go"), ("assistant", "finished anyway")
    ]


async def test_stream_reattach_replays_then_continues(server, client, provider, model):
    hold = HoldTool()
    add_tools(server, hold)
    model.queue(Reply(tool_calls=[call("hold", {}, "h1")]), Reply(pieces=["after ", "hold"]))
    async with GraphQLSocket(client) as first:
        await first.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "start"}})
        await hold.started.wait()
    conversation_id = await web_conversation_id(client)
    async with GraphQLSocket(client) as second:
        await second.subscribe(CHAT_RUN_SUBSCRIPTION, {"conversationId": conversation_id})
        replayed = await second.events(until_kind="tool_call")
        hold.release.set()
        rest = await second.events()
    assert [event["kind"] for event in replayed] == ["user_message", "tool_call"]
    assert [event["kind"] for event in rest] == ["tool_result", "delta", "delta", "final"]
    assert rest[-1]["message"]["content"] == "after hold"


async def test_stream_chat_run_without_run_errors(client, provider, model):
    await client.post("/api/chat", {"message": "done"})
    conversation_id = await web_conversation_id(client)
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_RUN_SUBSCRIPTION, {"conversationId": conversation_id})
        message = await socket.next()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert "No chat is running" in errors[0]["message"]


async def test_stream_run_limit_per_user_429(make_server, make_client, model):
    server = await make_server(max_chat_runs_per_user=1)
    client = make_client(server.url)
    await client.login()
    await provider_for(client, model)
    release = asyncio.Event()
    model.queue(Reply(text="slow", hold=release))
    running = asyncio.create_task(client.post("/api/chat", {"message": "first"}))
    await model.request_started.wait()
    other = await client.post("/api/conversations", {"bot_name": "b", "chat_type": "private",
                                                      "chat_id": "x"})
    answer = await client.post("/api/chat", {"message": "second",
                                             "conversation_id": other.json["id"]})
    release.set()
    assert answer.status == 429
    assert "Too many chats running" in answer.json["error"]
    assert (await running).status == 200
    assert await messages(client, other.json["id"]) == []


async def test_stream_busy_conversation_409(client, provider, model):
    release = asyncio.Event()
    model.queue(Reply(text="slow", hold=release))
    running = asyncio.create_task(client.post("/api/chat", {"message": "first"}))
    await model.request_started.wait()
    answer = await client.post("/api/chat", {"message": "second"})
    release.set()
    assert answer.status == 409
    assert "already running" in answer.json["error"]
    assert (await running).status == 200


async def test_stream_chunk_gap_timeout_keeps_partial(make_server, make_client, model):
    server = await make_server(provider_first_token_timeout=5, provider_chunk_gap_timeout=0.3)
    client = make_client(server.url)
    await client.login()
    await provider_for(client, model)
    model.queue(Reply(pieces=["Hi ", "there"], chunk_delay=0.5))
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "slow"}})
        events = await socket.events()
    assert [event["kind"] for event in events] == ["user_message", "delta", "error"]
    error = events[-1]
    assert error["error"]["code"] == "PROVIDER_ERROR"
    assert "no data for 0.3 s" in error["error"]["message"]
    assert error["message"]["status"] == "timed_out"
    stored = await messages(client, events[0]["conversationId"])
    assert [(m["role"], m["content"], m["status"]) for m in stored] == [
        ("user", "slow", "complete"), ("assistant", "Hi ", "timed_out")
    ]


async def test_stream_cut_connection_error_event(client, provider, model):
    model.queue(Reply(text="Hello world", cut_after_chunks=2))
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "cut"}})
        events = await socket.events()
    assert [event["kind"] for event in events] == ["user_message", "delta", "error"]
    assert "closed before the answer was complete" in events[-1]["error"]["message"]
    assert events[-1]["message"] is None
    stored = await messages(client, events[0]["conversationId"])
    assert [m["role"] for m in stored] == ["user"]


async def test_stream_provider_403_error_event(client, provider, model):
    model.queue(Reply(status=403, error_message="model not allowed"))
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "no"}})
        events = await socket.events()
    error = events[-1]["error"]
    assert error["upstreamStatus"] == 403
    assert "model not allowed" in error["message"]
    stored = await messages(client, events[0]["conversationId"])
    assert [m["role"] for m in stored] == ["user"]
