"""The agent loop over `POST /api/chat`: tool calls, their failures, limits and replay."""

from __future__ import annotations

import json

from tests.agent.helpers import (
    BigTool,
    CrashTool,
    EchoTool,
    FailTool,
    HoldTool,
    MeetTool,
    add_tools,
    call,
    messages,
    sent_roles,
)
from tests.support.model_server import Reply


def tool_result(body: dict, call_id: str) -> str:
    """Return the content of the `tool` message answering `call_id` in a model request body."""
    for message in body["messages"]:
        if message["role"] == "tool" and message["tool_call_id"] == call_id:
            return message["content"]
    raise AssertionError(f"no tool result for {call_id}")


async def test_loop_two_tool_steps_then_answer(server, client, provider, model):
    echo = EchoTool()
    add_tools(server, echo)
    model.queue(
        Reply(text="Let me check.", tool_calls=[call("echo", {"text": "one"}, "c1")]),
        Reply(tool_calls=[call("echo", {"text": "two"}, "c2")]),
        Reply(text="Both done."),
    )
    answer = await client.post("/api/chat", {"message": "go"})
    assert answer.status == 200, answer.text
    assert answer.json["message"]["content"] == "Both done."
    assert [c["id"] for c in answer.json["tool_calls"]] == ["c1", "c2"]
    assert answer.json["usage"] == {"prompt_tokens": 33, "completion_tokens": 21}
    assert echo.calls == [{"text": "one"}, {"text": "two"}]

    stored = await messages(client, answer.json["conversation_id"])
    assert [m["role"] for m in stored] == ["user", "assistant", "tool", "assistant", "tool", "assistant"]
    assert stored[1]["content"] == "Let me check."
    assert stored[1]["tool_calls"][0]["function"] == {"name": "echo", "arguments": '{"text": "one"}'}
    assert stored[2]["tool_call_id"] == "c1"
    assert stored[2]["content"] == "echo: one"
    assert stored[3]["content"] == ""
    assert stored[4]["content"] == "echo: two"

    assert len(model.requests) == 3
    last = model.requests[2].body
    assert sent_roles(last) == ["system", "user", "assistant", "tool", "assistant", "tool"]
    assert last["messages"][4]["content"] is None
    assert tool_result(last, "c2") == "echo: two"


async def test_loop_offers_tools_in_openai_format(server, client, provider, model):
    add_tools(server, EchoTool())
    await client.post("/api/chat", {"message": "hi"})
    offered = {tool["function"]["name"]: tool for tool in model.requests[0].body["tools"]}
    assert offered["echo"]["type"] == "function"
    assert offered["echo"]["function"]["parameters"]["required"] == ["text"]
    assert "read_file" in offered


async def test_loop_runs_parallel_calls_concurrently(server, client, provider, model):
    meet = MeetTool(expected=2)
    add_tools(server, meet)
    model.queue(
        Reply(tool_calls=[call("meet", {"who": "a"}, "a1"), call("meet", {"who": "b"}, "b1")]),
        Reply(text="met both"),
    )
    answer = await client.post("/api/chat", {"message": "meet"})
    assert answer.json["message"]["content"] == "met both"
    stored = await messages(client, answer.json["conversation_id"])
    assert [(m["tool_call_id"], m["content"]) for m in stored if m["role"] == "tool"] == [
        ("a1", "met a"), ("b1", "met b")
    ]
    assert sent_roles(model.requests[1].body) == ["system", "user", "assistant", "tool", "tool"]


async def test_loop_failing_tool_becomes_result(server, client, provider, model):
    add_tools(server, FailTool())
    model.queue(Reply(tool_calls=[call("fail", {}, "f1")]), Reply(text="It failed."))
    answer = await client.post("/api/chat", {"message": "try"})
    assert answer.status == 200
    assert answer.json["message"]["content"] == "It failed."
    result = tool_result(model.requests[1].body, "f1")
    assert "the disk is on fire" in result
    assert result.startswith("Error:")


async def test_loop_crashing_tool_becomes_result(server, client, provider, model):
    add_tools(server, CrashTool())
    model.queue(Reply(tool_calls=[call("crash", {}, "x1")]), Reply(text="noted"))
    answer = await client.post("/api/chat", {"message": "try"})
    assert answer.status == 200
    assert "ZeroDivisionError" in tool_result(model.requests[1].body, "x1")


async def test_loop_unknown_tool_becomes_result(client, provider, model):
    model.queue(Reply(tool_calls=[call("teleport", {}, "u1")]), Reply(text="no such tool"))
    answer = await client.post("/api/chat", {"message": "beam me"})
    assert answer.status == 200
    result = tool_result(model.requests[1].body, "u1")
    assert "unknown tool 'teleport'" in result
    assert "read_file" in result


async def test_loop_malformed_arguments_become_result(server, client, provider, model):
    echo = EchoTool()
    add_tools(server, echo)
    model.queue(Reply(tool_calls=[call("echo", '{"text": "unclosed', "m1")]), Reply(text="oops"))
    answer = await client.post("/api/chat", {"message": "echo"})
    assert answer.status == 200
    assert "not valid JSON" in tool_result(model.requests[1].body, "m1")
    assert echo.calls == []


async def test_loop_schema_invalid_arguments_become_result(server, client, provider, model):
    echo = EchoTool()
    add_tools(server, echo)
    model.queue(Reply(tool_calls=[call("echo", {"words": 3}, "s1")]), Reply(text="oops"))
    await client.post("/api/chat", {"message": "echo"})
    assert "text" in tool_result(model.requests[1].body, "s1")
    assert echo.calls == []


async def test_loop_tool_timeout_becomes_result(make_server, make_client, model):
    server = await make_server(tool_timeout_seconds=0.2)
    client = make_client(server.url)
    await client.login()
    await client.post("/api/providers", {"name": "p", "provider_type": "openai_compatible",
                                         "api_url": model.url, "api_key": "k", "model": "m"})
    add_tools(server, HoldTool())
    model.queue(Reply(tool_calls=[call("hold", {}, "h1")]), Reply(text="gave up"))
    answer = await client.post("/api/chat", {"message": "wait"})
    assert answer.json["message"]["content"] == "gave up"
    assert "timed out after 0.2 s" in tool_result(model.requests[1].body, "h1")


async def test_loop_truncates_long_output_for_model(make_server, make_client, model):
    server = await make_server(tool_output_max_chars=100)
    client = make_client(server.url)
    await client.login()
    await client.post("/api/providers", {"name": "p", "provider_type": "openai_compatible",
                                         "api_url": model.url, "api_key": "k", "model": "m"})
    add_tools(server, BigTool(5000))
    model.queue(Reply(tool_calls=[call("big", {}, "b1")]), Reply(text="long"))
    answer = await client.post("/api/chat", {"message": "big"})
    sent = tool_result(model.requests[1].body, "b1")
    assert sent.startswith("x" * 100 + "\n[Output truncated")
    assert "100 of 5000" in sent
    stored = await messages(client, answer.json["conversation_id"])
    assert stored[2]["content"] == "x" * 5000


async def test_loop_step_limit_ends_with_message(make_server, make_client, model):
    server = await make_server(agent_max_steps=3)
    client = make_client(server.url)
    await client.login()
    await client.post("/api/providers", {"name": "p", "provider_type": "openai_compatible",
                                         "api_url": model.url, "api_key": "k", "model": "m"})
    add_tools(server, EchoTool())
    model.queue(*[Reply(tool_calls=[call("echo", {"text": str(n)})]) for n in range(5)])
    answer = await client.post("/api/chat", {"message": "loop"})
    assert answer.status == 200
    assert "step limit" in answer.json["message"]["content"]
    assert len(model.requests) == 3
    stored = await messages(client, answer.json["conversation_id"])
    assert [m["role"] for m in stored].count("tool") == 3
    assert stored[-1]["content"] == answer.json["message"]["content"]


async def test_loop_repeated_call_stops_early(server, client, provider, model):
    echo = EchoTool()
    add_tools(server, echo)
    same = {"text": "again"}
    model.queue(*[Reply(tool_calls=[call("echo", same)]) for _ in range(5)])
    answer = await client.post("/api/chat", {"message": "repeat"})
    assert "same arguments 3 times in a row" in answer.json["message"]["content"]
    assert len(model.requests) == 3
    assert len(echo.calls) == 3


async def test_loop_history_replays_across_turns(server, client, provider, model):
    add_tools(server, EchoTool())
    model.queue(
        Reply(text="Checking.", tool_calls=[call("echo", {"text": "t"}, "r1")]),
        Reply(text="First answer."),
        Reply(text="Second answer."),
    )
    first = await client.post("/api/chat", {"message": "first"})
    await client.post("/api/chat", {"message": "second",
                                    "conversation_id": first.json["conversation_id"]})
    sent = model.requests[2].body["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "assistant", "user"]
    assert sent[2]["tool_calls"][0]["id"] == "r1"
    assert sent[2]["content"] == "Checking."
    assert sent[3] == {"role": "tool", "tool_call_id": "r1", "content": "echo: t"}
    assert sent[4] == {"role": "assistant", "content": "First answer."}
    assert sent[5] == {"role": "user", "content": "second"}


async def test_loop_trims_history_by_whole_turns(make_server, make_client, model):
    server = await make_server(history_max_chars=300)
    client = make_client(server.url)
    await client.login()
    await client.post("/api/providers", {"name": "p", "provider_type": "openai_compatible",
                                         "api_url": model.url, "api_key": "k", "model": "m"})
    add_tools(server, EchoTool())
    model.queue(
        Reply(tool_calls=[call("echo", {"text": "y" * 100}, "k1")]),
        Reply(text="a" * 100),
    )
    first = await client.post("/api/chat", {"message": "first " + "z" * 100})
    await client.post("/api/chat", {"message": "second",
                                    "conversation_id": first.json["conversation_id"]})
    sent = model.requests[2].body["messages"]
    # The tool turn (call plus result) is larger than what is left, so it goes as a whole.
    assert [m["role"] for m in sent] == ["system", "assistant", "user"]
    assert sent[1]["content"] == "a" * 100
