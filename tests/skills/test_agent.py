"""Skills in a chat: listed in the system prompt, loaded by the model through `load_skill`."""

from __future__ import annotations

import json

import pytest

from ruri.agent.tools import ToolContext, ToolFailed
from tests.skills.archives import skill_md
from tests.support.model_server import Reply

INSTRUCTIONS = "Write every answer as a haiku."


async def add_skill(client, name: str, **fields) -> None:
    content = skill_md(name, "Answer in haiku form", INSTRUCTIONS, **fields)
    answer = await client.post("/api/skills", {"name": name, "content": content})
    assert answer.status == 201, answer.text


def system_prompt(request) -> str:
    return request.body["messages"][0]["content"]


def tool_names(request) -> list[str]:
    return [tool["function"]["name"] for tool in request.body.get("tools", [])]


def tool_messages(request) -> list[dict]:
    return [message for message in request.body["messages"] if message["role"] == "tool"]


async def test_system_prompt_lists_enabled_skill(client, provider, model):
    await add_skill(client, "haiku", when_to_use="The user asks for poetry")
    answer = await client.post("/api/chat", {"message": "hello"})
    assert answer.status == 200, answer.text
    prompt = system_prompt(model.requests[0])
    assert "haiku: Answer in haiku form" in prompt
    assert "When to use: The user asks for poetry" in prompt
    assert INSTRUCTIONS not in prompt


async def test_system_prompt_omits_disabled_skill(client, provider, model):
    await add_skill(client, "haiku")
    await client.patch("/api/skills/haiku", {"enabled": False})
    await client.post("/api/chat", {"message": "hello"})
    assert "haiku" not in system_prompt(model.requests[0])
    assert "load_skill" not in tool_names(model.requests[0])


async def test_load_skill_offered(client, provider, model):
    await add_skill(client, "haiku")
    await client.post("/api/chat", {"message": "hello"})
    assert "load_skill" in tool_names(model.requests[0])


async def test_load_skill_returns_instructions(client, provider, model):
    await add_skill(client, "haiku")
    model.queue(
        Reply(tool_calls=[{"id": "call_1", "name": "load_skill", "arguments": json.dumps({"name": "haiku"})}]),
        Reply(text="Petals on the wire"),
    )
    answer = await client.post("/api/chat", {"message": "write me a poem"})
    assert answer.status == 200, answer.text
    results = tool_messages(model.requests[1])
    assert len(results) == 1
    assert results[0]["tool_call_id"] == "call_1"
    assert INSTRUCTIONS in results[0]["content"]


async def test_load_skill_narrows_tools(client, provider, model):
    await add_skill(client, "haiku", allowed_tools="[read_file]")
    model.queue(
        Reply(tool_calls=[{"id": "call_1", "name": "load_skill", "arguments": json.dumps({"name": "haiku"})}]),
        Reply(text="done"),
    )
    await client.post("/api/chat", {"message": "write me a poem"})
    assert set(tool_names(model.requests[1])) <= {"read_file", "load_skill"}
    assert "load_skill" in tool_names(model.requests[1])


async def test_load_skill_unknown_name(client, provider, model):
    await add_skill(client, "haiku")
    model.queue(
        Reply(tool_calls=[{"id": "call_1", "name": "load_skill", "arguments": json.dumps({"name": "nope"})}]),
        Reply(text="done"),
    )
    await client.post("/api/chat", {"message": "write me a poem"})
    results = tool_messages(model.requests[1])
    assert INSTRUCTIONS not in results[0]["content"]


async def test_load_skill_tool_records_loaded(client, server):
    await add_skill(client, "haiku")
    tool = await server.services.tools.find("load_skill")
    context = ToolContext(conversation_id="c1")
    text = await tool.run({"name": "haiku"}, context)
    assert INSTRUCTIONS in text
    assert context.loaded_skills == ["haiku"]


async def test_load_skill_tool_disabled(client, server):
    await add_skill(client, "haiku")
    await add_skill(client, "limerick")
    await client.patch("/api/skills/limerick", {"enabled": False})
    tool = await server.services.tools.find("load_skill")
    context = ToolContext(conversation_id="c1")
    with pytest.raises(ToolFailed, match="disabled"):
        await tool.run({"name": "limerick"}, context)
    assert context.loaded_skills == []


async def test_load_skill_tool_lists_files(client, server):
    await add_skill(client, "haiku")
    (server.settings.resolved_data_dir / "skills" / "haiku" / "forms.md").write_text("5-7-5")
    tool = await server.services.tools.find("load_skill")
    text = await tool.run({"name": "haiku"}, ToolContext(conversation_id="c1"))
    assert "- forms.md" in text


async def test_load_skill_absent_without_skills(server):
    assert await server.services.tools.find("load_skill") is None


async def test_agent_status_counts_enabled_skills(client):
    await add_skill(client, "haiku")
    await add_skill(client, "limerick")
    await client.patch("/api/skills/limerick", {"enabled": False})
    status = await client.get("/api/agent/status")
    assert status.json["skills_count"] == 1


async def test_skill_change_notifies_status(client, server):
    notified = []

    async def record() -> None:
        notified.append(True)

    server.services.skills.listeners.append(record)
    await add_skill(client, "haiku")
    await client.patch("/api/skills/haiku", {"enabled": False})
    await client.delete("/api/skills/haiku")
    assert len(notified) == 3


async def test_status_listener_registered(server):
    assert server.services.status.changed in server.services.skills.listeners
