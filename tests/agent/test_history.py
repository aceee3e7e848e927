"""Replay and trimming rules of `to_model_messages` on stored messages."""

from __future__ import annotations

from datetime import datetime, timezone

from ruri.agent.history import to_model_messages
from ruri.services.conversations import MessageData

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def stored(role: str, content: str = "", tool_calls=None, tool_call_id=None) -> MessageData:
    return MessageData(
        id=f"m-{role}-{content[:8]}-{tool_call_id}", conversation_id="c", role=role,
        content=content, created_at=NOW, tool_calls=tool_calls, tool_call_id=tool_call_id,
    )


def openai_call(call_id: str, name: str = "echo") -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": "{}"}}


def roles(messages: list[dict]) -> list[str]:
    return [message["role"] for message in messages]


def test_history_skips_empty_assistant_turn():
    sent = to_model_messages([stored("user", "hi"), stored("assistant", ""), stored("user", "again")])
    assert roles(sent) == ["system", "user", "user"]


def test_history_skips_result_without_call():
    sent = to_model_messages([stored("user", "hi"), stored("tool", "orphan", tool_call_id="gone")])
    assert roles(sent) == ["system", "user"]


def test_history_drops_call_without_result():
    call_message = stored("assistant", "", tool_calls=[openai_call("a"), openai_call("b")])
    sent = to_model_messages([stored("user", "hi"), call_message, stored("tool", "ra", tool_call_id="a")])
    assert roles(sent) == ["system", "user", "assistant", "tool"]
    assert [call["id"] for call in sent[2]["tool_calls"]] == ["a"]


def test_history_keeps_text_of_unanswered_call():
    call_message = stored("assistant", "thinking", tool_calls=[openai_call("a")])
    sent = to_model_messages([stored("user", "hi"), call_message])
    assert sent[-1] == {"role": "assistant", "content": "thinking"}


def test_history_trim_keeps_call_with_results():
    history = [
        stored("user", "u" * 50),
        stored("assistant", "", tool_calls=[openai_call("a")]),
        stored("tool", "r" * 50, tool_call_id="a"),
        stored("user", "last"),
    ]
    sent = to_model_messages(history, max_chars=150)
    assert roles(sent) == ["system", "assistant", "tool", "user"]


def test_history_trim_always_sends_newest_turn():
    sent = to_model_messages([stored("user", "old"), stored("user", "n" * 500)], max_chars=10)
    assert roles(sent) == ["system", "user"]
    assert sent[1]["content"] == "n" * 500


def test_history_truncates_tool_output():
    history = [
        stored("user", "hi"),
        stored("assistant", "", tool_calls=[openai_call("a")]),
        stored("tool", "x" * 50, tool_call_id="a"),
    ]
    sent = to_model_messages(history, tool_output_max_chars=10)
    assert sent[-1]["content"].startswith("x" * 10 + "\n[Output truncated")
