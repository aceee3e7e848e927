"""Turn stored messages into the message list sent to the model."""

from __future__ import annotations

from typing import Any

from ruri.services.conversations import MessageData

SYSTEM_PROMPT = (
    "You are Ruri, a helpful assistant running on the user's own server. "
    "Answer clearly and use the tools you are offered when they help."
)


def to_model_messages(history: list[MessageData], system_prompt: str = SYSTEM_PROMPT) -> list[dict[str, Any]]:
    """Replay stored messages in the OpenAI chat format, oldest first."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": system_prompt}]
    for message in history:
        entry = _to_model_message(message)
        if entry is not None:
            messages.append(entry)
    return messages


def _to_model_message(message: MessageData) -> dict[str, Any] | None:
    if message.role == "assistant":
        if not message.content and not message.tool_calls:
            return None
        entry: dict[str, Any] = {"role": "assistant", "content": message.content or None}
        if message.tool_calls:
            entry["tool_calls"] = message.tool_calls
        return entry
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": message.content}
    return {"role": message.role, "content": message.content}
