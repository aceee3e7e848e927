"""Events one chat run produces, in the order they happen.

A run keeps every event it emitted, so a client that attaches late replays them all before it
receives the new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ruri.providers.openai_compatible import Usage
from ruri.services.conversations import MessageData


class EventKind(str, Enum):
    # The user message, stored before the provider is called.
    user_message = "user_message"
    # A piece of the assistant's answer text.
    delta = "delta"
    # A tool call about to run, with its name and raw JSON arguments.
    tool_call = "tool_call"
    # The stored result of a tool call.
    tool_result = "tool_result"
    # The stored final assistant message; the run ends after it.
    final = "final"
    # The run failed; the run ends after it.
    error = "error"


@dataclass(frozen=True)
class RunError:
    code: str
    message: str
    upstream_status: int | None = None


@dataclass(frozen=True)
class ChatEvent:
    kind: EventKind
    conversation_id: str
    text: str | None = None
    message: MessageData | None = None
    tool_call_id: str | None = None
    tool_name: str | None = None
    arguments: str | None = None
    is_error: bool = False
    usage: Usage | None = None
    error: RunError | None = None

    @property
    def ends_run(self) -> bool:
        return self.kind in (EventKind.final, EventKind.error)
