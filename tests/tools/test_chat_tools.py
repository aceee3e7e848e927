"""Built-in tools reached through a chat: the scripted model calls them and reads the results."""

from __future__ import annotations

import json

from tests.support.model_server import Reply
from tests.tools.support import workspace_of


def _last_message(request) -> dict:
    return request.body["messages"][-1]


async def test_chat_offers_listed_tools(server, client, provider, model):
    await client.post("/api/chat", {"message": "hi"})
    offered = [tool["function"]["name"] for tool in model.requests[-1].body["tools"]]
    listed = [tool["name"] for tool in (await client.get("/api/tools")).json]
    assert offered == listed


async def test_chat_offered_schema_matches_listed(server, client, provider, model):
    await client.post("/api/chat", {"message": "hi"})
    offered = model.requests[-1].body["tools"][0]["function"]["parameters"]
    listed = (await client.get("/api/tools")).json[0]["parameters"]
    assert offered == listed


async def test_chat_lists_and_reads_file(server, client, provider, model):
    (workspace_of(server) / "notes.txt").write_text("buy milk\n")
    model.queue(
        Reply(tool_calls=[{"name": "list_directory", "arguments": "{}"}]),
        Reply(tool_calls=[{"name": "read_file", "arguments": json.dumps({"path": "notes.txt"})}]),
        Reply(text="Your note says: buy milk"),
    )
    answer = await client.post("/api/chat", {"message": "What is in my notes?"})
    assert answer.status == 200, answer.text
    assert answer.json["message"]["content"] == "Your note says: buy milk"
    listing = _last_message(model.requests[1])
    assert listing["role"] == "tool"
    assert "notes.txt  file, 9 bytes" in listing["content"]
    assert _last_message(model.requests[2])["content"] == "buy milk\n"


async def test_chat_tool_failure_reaches_model(server, client, provider, model):
    model.queue(
        Reply(tool_calls=[{"name": "read_file", "arguments": json.dumps({"path": "../ruri.db"})}]),
        Reply(text="I cannot read that file."),
    )
    answer = await client.post("/api/chat", {"message": "Read the database"})
    assert answer.status == 200, answer.text
    result = _last_message(model.requests[1])["content"]
    assert "leads outside the workspace" in result


async def test_chat_malformed_arguments_reach_model(server, client, provider, model):
    model.queue(
        Reply(tool_calls=[{"name": "write_file", "arguments": '{"path": "a.txt"'}]),
        Reply(text="Sorry."),
    )
    await client.post("/api/chat", {"message": "Write a file"})
    result = _last_message(model.requests[1])["content"]
    assert "not valid JSON" in result
    assert not (workspace_of(server) / "a.txt").exists()
