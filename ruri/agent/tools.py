"""What a tool is, and where the agent finds the tools it offers the model.

Built-in tools, the skill loader and MCP servers each implement `ToolSource`. The agent asks every
source for its tools at the start of each model call, so `GET /api/tools` and the agent always see
the same list.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    # JSON Schema of the arguments object.
    parameters: dict[str, Any]
    # "builtin" or "mcp:<server name>".
    source: str = "builtin"

    def to_openai(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


@dataclass
class ToolContext:
    """Facts about the run that called a tool."""

    conversation_id: str
    # Names of skills loaded during this run; `allowed_tools` of these narrow the offered tools.
    loaded_skills: list[str] = field(default_factory=list)


class ToolFailed(Exception):
    """A tool could not do its work; the message goes back to the model as the tool result."""


class Tool(ABC):
    spec: ToolSpec

    @abstractmethod
    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        """Run with arguments already checked against `spec.parameters`; return the result text."""


class ToolSource(Protocol):
    async def tools(self) -> list[Tool]:
        """Return the tools this source offers now (an empty list when it has none)."""
        ...
