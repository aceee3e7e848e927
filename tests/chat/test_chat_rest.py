"""`POST /api/chat`, its failures, and the web chat's history, against the scripted model server."""

from __future__ import annotations

import asyncio
import socket

from tests.agent.helpers import messages
from tests.support.model_server import Reply


async def test_chat_answers_in_web_conversation(client, provider, model):
    model.queue(Reply(text="Hello there, friend."))
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert answer.status == 200, answer.text
    body = answer.json
    assert set(body) == {"conversation_id", "message", "tool_calls", "usage"}
    assert set(body["message"]) == {"id", "role", "content", "created_at", "status"}
    assert body["message"]["role"] == "assistant"
    assert body["message"]["status"] == "complete"
    assert body["message"]["content"] == "Hello there, friend."
    assert body["tool_calls"] == []
    assert body["usage"] == {"prompt_tokens": 11, "completion_tokens": 7}
    stored = await messages(client, body["conversation_id"])
    assert [(m["role"], m["content"]) for m in stored] == [
        ("user", "Hi"), ("assistant", "Hello there, friend.")
    ]
    conversation = await client.get(f"/api/conversations/{body['conversation_id']}")
    assert conversation.json["bot_name"] == "web"


async def test_chat_streams_from_provider(client, provider, model):
    await client.post("/api/chat", {"message": "Hi"})
    request = model.requests[-1].body
    assert request["stream"] is True
    assert request["stream_options"] == {"include_usage": True}
    assert request["model"] == "scripted-small"
    assert request["messages"][0]["role"] == "system"
    assert request["messages"][-1] == {"role": "user", "content": "Hi"}


async def test_chat_unicode_round_trip(client, provider, model):
    text = "Grüße 🌸 こんにちは — ok"
    model.queue(Reply(text=text))
    answer = await client.post("/api/chat", {"message": "日本語で？ 🙂"})
    assert answer.json["message"]["content"] == text
    assert model.requests[-1].body["messages"][-1]["content"] == "日本語で？ 🙂"
    stored = await messages(client, answer.json["conversation_id"])
    assert stored[0]["content"] == "日本語で？ 🙂"
    assert stored[1]["content"] == text


async def test_chat_continues_given_conversation(client, provider, model):
    created = await client.post(
        "/api/conversations", {"bot_name": "bot", "chat_type": "group", "chat_id": "g1"}
    )
    conversation_id = created.json["id"]
    answer = await client.post("/api/chat", {"message": "first", "conversation_id": conversation_id})
    assert answer.json["conversation_id"] == conversation_id
    await client.post("/api/chat", {"message": "second", "conversation_id": conversation_id})
    sent = model.requests[-1].body["messages"]
    assert [m["content"] for m in sent[1:]] == ["first", "ok", "second"]


async def test_chat_unknown_conversation_404(client, provider, model):
    answer = await client.post(
        "/api/chat", {"message": "Hi", "conversation_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert answer.status == 404
    assert "not found" in answer.json["error"]
    assert model.requests == []


async def test_chat_without_provider_400(client, model):
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert answer.status == 400
    assert "POST /api/providers" in answer.json["error"]


async def test_chat_without_provider_stores_nothing(client, model):
    await client.post("/api/chat", {"message": "Hi"})
    conversations = await client.get("/api/conversations")
    assert conversations.json == []


async def test_chat_empty_message_400(client, provider):
    answer = await client.post("/api/chat", {"message": ""})
    assert answer.status == 400
    assert "message" in answer.json["error"]


async def _assert_failure_kept_user_message(client, answer, user_text: str) -> None:
    assert answer.status == 502, answer.text
    history = await client.get("/api/chat/history")
    assert [(m["role"], m["content"]) for m in history.json] == [("user", user_text)]


async def test_chat_connection_refused_502(client, model):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    await client.post(
        "/api/providers",
        {"name": "nowhere", "provider_type": "openai_compatible",
         "api_url": f"http://127.0.0.1:{closed_port}/v1", "api_key": "", "model": "m"},
    )
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert "could not connect" in answer.json["error"]
    await _assert_failure_kept_user_message(client, answer, "Hi")


async def test_chat_provider_timeout_502(make_server, make_client, model):
    server = await make_server(provider_first_token_timeout=0.3)
    client = make_client(server.url)
    await client.login()
    await client.post(
        "/api/providers",
        {"name": "slow", "provider_type": "openai_compatible", "api_url": model.url,
         "api_key": "k", "model": "m"},
    )
    model.queue(Reply(text="late", delay=3))
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert "timed out" in answer.json["error"]
    assert "first token" in answer.json["error"]
    await _assert_failure_kept_user_message(client, answer, "Hi")


async def test_chat_provider_4xx_502(client, provider, model):
    model.queue(Reply(status=401, error_message="Incorrect API key provided"))
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert "HTTP 401" in answer.json["error"]
    assert "Incorrect API key provided" in answer.json["error"]
    await _assert_failure_kept_user_message(client, answer, "Hi")


async def test_chat_provider_5xx_502(client, provider, model):
    model.queue(Reply(status=503, error_message="overloaded"))
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert "HTTP 503" in answer.json["error"]
    assert "overloaded" in answer.json["error"]
    await _assert_failure_kept_user_message(client, answer, "Hi")


async def test_chat_malformed_body_502(client, provider, model):
    model.queue(Reply(raw_body="not json"))
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert "malformed" in answer.json["error"]
    await _assert_failure_kept_user_message(client, answer, "Hi")


async def test_chat_graphql_error_carries_upstream_status(client, provider, model):
    model.queue(Reply(status=429, error_message="slow down"))
    result = await client.graphql(
        "mutation($input: ChatInput!) { chat(input: $input) { conversationId } }",
        {"input": {"message": "Hi"}},
    )
    extensions = result["errors"][0]["extensions"]
    assert extensions["code"] == "PROVIDER_ERROR"
    assert extensions["upstreamStatus"] == 429


async def test_chat_history_lists_and_clears(client, provider, model):
    await client.post("/api/chat", {"message": "one"})
    history = await client.get("/api/chat/history")
    assert [m["role"] for m in history.json] == ["user", "assistant"]
    cleared = await client.delete("/api/chat/history")
    assert cleared.status == 204
    assert (await client.get("/api/chat/history")).json == []


async def test_chat_empty_key_sends_no_authorization(client, model):
    await client.post(
        "/api/providers",
        {"name": "local", "provider_type": "openai_compatible", "api_url": model.url,
         "api_key": "", "model": "m"},
    )
    answer = await client.post("/api/chat", {"message": "Hi"})
    assert answer.status == 200, answer.text
    headers = {name.lower() for name in model.requests[-1].headers}
    assert "authorization" not in headers


async def test_chat_key_sent_as_bearer(client, provider, model):
    await client.post("/api/chat", {"message": "Hi"})
    headers = {name.lower(): value for name, value in model.requests[-1].headers.items()}
    assert headers["authorization"] == "Bearer sk-test-key-1234"


async def test_chat_stopped_by_other_client(server, client, make_client, provider, model):
    release = asyncio.Event()
    model.queue(Reply(text="never sent", hold=release))
    task = asyncio.create_task(client.post("/api/chat", {"message": "wait"}))
    await model.request_started.wait()
    other = make_client(server.url)
    await other.login()
    stop = await other.post("/api/chat/stop", {})
    release.set()
    answer = await task
    assert stop.json["stopped"] is True
    assert answer.status == 200, answer.text
    assert answer.json["message"]["status"] == "stopped"
    assert answer.json["message"]["content"] == ""
    stored = await messages(client, answer.json["conversation_id"])
    assert stored[-1]["status"] == "stopped"


async def test_chat_graphql_answer_has_status(client, provider, model):
    model.queue(Reply(text="Done."))
    result = await client.graphql('mutation { chat(input: {message: "Hi"}) { message { status } } }')
    assert result["data"]["chat"]["message"]["status"] == "complete"
