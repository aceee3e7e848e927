"""Provider replies the stream assembler and error translation must handle: credentials in the
URL, error objects inside the stream, and tool calls without an id."""

from __future__ import annotations

from ruri.logs.redaction import REDACTED, redact
from tests.agent.helpers import (
    CHAT_SUBSCRIPTION,
    EchoTool,
    GraphQLSocket,
    add_tools,
    call,
    messages,
)
from tests.support.model_server import Reply


def test_provider_url_credentials_redacted_in_logs():
    text = "could not connect to http://alice:pw-secret@127.0.0.1:1/v1: refused"
    assert redact(text) == f"could not connect to http://{REDACTED}@127.0.0.1:1/v1: refused"


def test_provider_url_without_credentials_kept_in_logs():
    text = "provider at https://api.example.test/v1?user=a@b"
    assert redact(text) == text


async def test_provider_stream_error_keeps_status(client, provider, model):
    error = {"message": "Forbidden mid-stream", "code": 403}
    model.queue(Reply(pieces=["one ", "two "], cut_after_chunks=3, stream_error=error))
    async with GraphQLSocket(client) as socket_:
        await socket_.subscribe(CHAT_SUBSCRIPTION, {"input": {"message": "go"}})
        events = await socket_.events()
    assert [event["kind"] for event in events] == ["user_message", "delta", "delta", "error"]
    assert events[-1]["error"]["upstreamStatus"] == 403
    assert "Forbidden mid-stream" in events[-1]["error"]["message"]


async def test_provider_stream_error_status_in_502(client, provider, model):
    error = {"message": "Forbidden mid-stream", "code": 403}
    model.queue(Reply(pieces=["one ", "two "], cut_after_chunks=3, stream_error=error))
    answer = await client.post("/api/chat", {"message": "go"})
    assert answer.status == 502, answer.text
    assert "403" in answer.json["error"]
    assert "Forbidden mid-stream" in answer.json["error"]


async def test_provider_stream_error_text_code_no_status(client, provider, model):
    error = {"message": "Slow down", "code": "rate_limit_exceeded"}
    model.queue(Reply(pieces=["one "], cut_after_chunks=2, stream_error=error))
    result = await client.graphql(
        "mutation($input: ChatInput!) { chat(input: $input) { conversationId } }",
        {"input": {"message": "go"}},
    )
    extensions = result["errors"][0]["extensions"]
    assert extensions["code"] == "PROVIDER_ERROR"
    assert extensions.get("upstreamStatus") is None


async def test_provider_tool_call_without_id_unique(server, client, provider, model):
    add_tools(server, EchoTool())
    model.queue(
        Reply(tool_calls=[call("echo", {"text": "a"})], omit_call_ids=True),
        Reply(tool_calls=[call("echo", {"text": "b"})], omit_call_ids=True),
        Reply(text="done"),
    )
    answer = await client.post("/api/chat", {"message": "echo twice"})
    assert answer.status == 200, answer.text
    stored = await messages(client, answer.json["conversation_id"])
    call_ids = [m["tool_calls"][0]["id"] for m in stored if m.get("tool_calls")]
    result_ids = [m["tool_call_id"] for m in stored if m["role"] == "tool"]
    assert len(call_ids) == 2
    assert call_ids[0] != call_ids[1]
    assert result_ids == call_ids
    assert all(call_id.startswith("call_") for call_id in call_ids)
