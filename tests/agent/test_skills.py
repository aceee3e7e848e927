"""Skills in the agent loop: the system prompt section and the `allowed_tools` narrowing."""

from __future__ import annotations

from tests.agent.helpers import EchoTool, add_tools, call
from tests.support.model_server import Reply

SKILL = """---
name: notes
description: Keep short notes.
when_to_use: When the user asks to remember something.
allowed_tools:
  - echo
---
Write every note with the echo tool.
"""


def offered_names(body: dict) -> set[str]:
    return {tool["function"]["name"] for tool in body.get("tools", [])}


async def test_skills_listed_in_system_prompt(client, provider, model):
    created = await client.post("/api/skills", {"name": "notes", "content": SKILL})
    assert created.status == 201, created.text
    await client.post("/api/chat", {"message": "hi"})
    system = model.requests[-1].body["messages"][0]
    assert system["role"] == "system"
    assert "notes" in system["content"]
    assert "Keep short notes." in system["content"]
    assert "Write every note" not in system["content"]


async def test_skills_allowed_tools_narrow_offer(server, client, provider, model):
    add_tools(server, EchoTool())
    await client.post("/api/skills", {"name": "notes", "content": SKILL})
    model.queue(
        Reply(tool_calls=[call("load_skill", {"name": "notes"}, "s1")]),
        Reply(text="noted"),
    )
    answer = await client.post("/api/chat", {"message": "remember milk"})
    assert answer.status == 200, answer.text
    first, second = model.requests[0].body, model.requests[1].body
    assert "read_file" in offered_names(first)
    assert offered_names(second) == {"echo", "load_skill"}
    assert "Write every note" in second["messages"][-1]["content"]


async def test_skills_narrowing_lasts_into_next_turn(server, client, provider, model):
    add_tools(server, EchoTool())
    await client.post("/api/skills", {"name": "notes", "content": SKILL})
    model.queue(
        Reply(tool_calls=[call("load_skill", {"name": "notes"}, "s1")]),
        Reply(text="noted"),
        Reply(text="still noting"),
    )
    first = await client.post("/api/chat", {"message": "remember milk"})
    await client.post("/api/chat", {"message": "and eggs",
                                    "conversation_id": first.json["conversation_id"]})
    assert offered_names(model.requests[2].body) == {"echo", "load_skill"}


async def test_skills_failed_load_does_not_narrow(server, client, provider, model):
    add_tools(server, EchoTool())
    await client.post("/api/skills", {"name": "notes", "content": SKILL})
    model.queue(
        Reply(tool_calls=[call("load_skill", {"name": "missing"}, "s1")]),
        Reply(text="no such skill"),
        Reply(text="next"),
    )
    first = await client.post("/api/chat", {"message": "remember milk"})
    await client.post("/api/chat", {"message": "and eggs",
                                    "conversation_id": first.json["conversation_id"]})
    assert "read_file" in offered_names(model.requests[2].body)


async def test_skills_disabled_skill_stops_narrowing(server, client, provider, model):
    add_tools(server, EchoTool())
    await client.post("/api/skills", {"name": "notes", "content": SKILL})
    model.queue(
        Reply(tool_calls=[call("load_skill", {"name": "notes"}, "s1")]),
        Reply(text="noted"),
        Reply(text="next"),
    )
    first = await client.post("/api/chat", {"message": "remember milk"})
    disabled = await client.patch("/api/skills/notes", {"enabled": False})
    assert disabled.status == 200, disabled.text
    await client.post("/api/chat", {"message": "and eggs",
                                    "conversation_id": first.json["conversation_id"]})
    offered = offered_names(model.requests[2].body)
    assert "read_file" in offered
    assert "echo" in offered
