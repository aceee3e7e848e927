"""Turn stored messages into the message list sent to the model.

Stored history is grouped into turns before it is trimmed: an assistant message with tool calls
travels with the `tool` messages that answer it, so trimming never splits a call from its
results. Providers reject a history where a call has no result or a result has no call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ruri.services.conversations import MessageData

SYSTEM_PROMPT = (
    "You are Ruri, a helpful assistant running on the user's own server. "
    "Answer clearly and use the tools you are offered when they help."
)


@dataclass
class _Turn:
    """Messages that must be sent together, in the OpenAI chat format."""

    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(_message_size(message) for message in self.messages)


def truncate_tool_output(text: str, max_chars: int) -> str:
    """Shorten a tool result for the model; the stored message keeps the full text."""
    if len(text) <= max_chars:
        return text
    return (
        text[:max_chars]
        + f"\n[Output truncated: showing {max_chars} of {len(text)} characters.]"
    )


def loaded_skill_names(history: list[MessageData], tool_name: str = "load_skill") -> list[str]:
    """Return the skills that earlier `load_skill` calls in this history loaded, oldest first.

    A call counts when its stored result is not a failure; the tool runner starts every failure
    result with "Error:".
    """
    results = {
        message.tool_call_id: message.content for message in history if message.role == "tool"
    }
    names: list[str] = []
    for message in history:
        for call in message.tool_calls or []:
            function = call.get("function") or {}
            result = results.get(call.get("id"))
            if function.get("name") != tool_name or result is None or result.startswith("Error:"):
                continue
            try:
                name = json.loads(function.get("arguments") or "{}").get("name")
            except (json.JSONDecodeError, AttributeError):
                continue
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def to_model_messages(
    history: list[MessageData],
    system_prompt: str = SYSTEM_PROMPT,
    *,
    max_chars: int | None = None,
    tool_output_max_chars: int | None = None,
) -> list[dict[str, Any]]:
    """Replay stored messages in the OpenAI chat format, oldest first.

    When `max_chars` is set, the oldest turns are left out until the rest fits; the newest turn
    is always sent, even when it alone is larger.
    """
    turns = _group_turns(history, tool_output_max_chars)
    if max_chars is not None:
        turns = _newest_within(turns, max_chars)
    messages: list[dict[str, Any]] = [{"role": "system", "content": system_prompt}]
    for turn in turns:
        messages.extend(turn.messages)
    return messages


def _group_turns(history: list[MessageData], tool_output_max_chars: int | None) -> list[_Turn]:
    turns: list[_Turn] = []
    index = 0
    while index < len(history):
        message = history[index]
        index += 1
        if message.role == "tool":
            # A result whose call is not right before it (for example a deleted call) is skipped.
            continue
        if message.role != "assistant" or not message.tool_calls:
            entry = _plain_message(message)
            if entry is not None:
                turns.append(_Turn([entry]))
            continue
        results: list[MessageData] = []
        while index < len(history) and history[index].role == "tool":
            results.append(history[index])
            index += 1
        turn = _tool_turn(message, results, tool_output_max_chars)
        if turn is not None:
            turns.append(turn)
    return turns


def _plain_message(message: MessageData) -> dict[str, Any] | None:
    if message.role == "assistant" and not message.content:
        return None
    return {"role": message.role, "content": message.content}


def _tool_turn(
    call_message: MessageData, results: list[MessageData], tool_output_max_chars: int | None
) -> _Turn | None:
    """Pair each call with its result; calls without a result and stray results are dropped."""
    by_call_id = {result.tool_call_id: result for result in results if result.tool_call_id}
    calls = [call for call in call_message.tool_calls or [] if call.get("id") in by_call_id]
    if not calls:
        return _Turn([entry]) if (entry := _plain_message(call_message)) else None
    turn = _Turn([{"role": "assistant", "content": call_message.content or None, "tool_calls": calls}])
    for call in calls:
        content = by_call_id[call["id"]].content
        if tool_output_max_chars is not None:
            content = truncate_tool_output(content, tool_output_max_chars)
        turn.messages.append({"role": "tool", "tool_call_id": call["id"], "content": content})
    return turn


def _newest_within(turns: list[_Turn], max_chars: int) -> list[_Turn]:
    kept: list[_Turn] = []
    total = 0
    for turn in reversed(turns):
        total += turn.size
        if kept and total > max_chars:
            break
        kept.append(turn)
    kept.reverse()
    return kept


def _message_size(message: dict[str, Any]) -> int:
    size = len(message.get("content") or "")
    if message.get("tool_calls"):
        size += len(json.dumps(message["tool_calls"], ensure_ascii=False))
    return size
