"""An MCP tool called by the agent over `POST /api/chat`, with the scripted model server."""

from __future__ import annotations

import json

from tests.mcp.conftest import create, settled, stdio_body
from tests.support.model_server import Reply


def tool_call(name: str, arguments: dict, call_id: str) -> dict:
    return {"id": call_id, "name": name, "arguments": json.dumps(arguments)}


def sent_tool_result(body: dict, call_id: str) -> str:
    """Return the content of the `tool` message for `call_id` in a request the model received."""
    for message in body["messages"]:
        if message["role"] == "tool" and message["tool_call_id"] == call_id:
            return message["content"]
    raise AssertionError(f"no tool result for {call_id}")


async def stored_tool_messages(client, conversation_id: str) -> list[dict]:
    answer = await client.get(f"/api/conversations/{conversation_id}/messages")
    assert answer.status == 200, answer.text
    return [message for message in answer.json if message["role"] == "tool"]


async def test_agent_calls_mcp_tool(server, client, provider, model):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    model.queue(
        Reply(tool_calls=[tool_call("echo__echo", {"text": "from mcp"}, "m1")]),
        Reply(text="Done."),
    )
    answer = await client.post("/api/chat", {"message": "use the echo tool"})
    assert answer.status == 200, answer.text
    assert answer.json["message"]["content"] == "Done."

    tool_messages = await stored_tool_messages(client, answer.json["conversation_id"])
    assert [(m["tool_call_id"], m["content"]) for m in tool_messages] == [("m1", "from mcp")]

    offered = {tool["function"]["name"] for tool in model.requests[0].body["tools"]}
    assert "echo__echo" in offered
    assert sent_tool_result(model.requests[1].body, "m1") == "from mcp"


async def test_agent_gets_mcp_tool_error(server, client, provider, model):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    model.queue(
        Reply(tool_calls=[tool_call("echo__fail", {"reason": "quota exceeded"}, "f1")]),
        Reply(text="It failed."),
    )
    answer = await client.post("/api/chat", {"message": "try it"})
    assert answer.status == 200, answer.text
    result = sent_tool_result(model.requests[1].body, "f1")
    assert "quota exceeded" in result
    assert result.startswith("Error:")


async def test_agent_omits_disabled_server_tools(server, client, provider, model):
    created = await create(client, stdio_body(enabled=False))
    await client.post("/api/chat", {"message": "hi"})
    offered = {tool["function"]["name"] for tool in model.requests[0].body.get("tools", [])}
    assert not [name for name in offered if name.startswith("echo__")]
    assert created["status"]["state"] == "disabled"
