"""Run the tool calls of one model reply and turn every outcome into a result text.

A tool never ends the chat: an unknown tool, arguments that fail the tool's JSON Schema, a
`ToolFailed`, a timeout or an unexpected exception all become a result that tells the model
what went wrong, so it can correct itself.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from ruri.agent.registry import check_arguments
from ruri.agent.tools import Tool, ToolContext, ToolFailed
from ruri.errors import NotFound
from ruri.providers.openai_compatible import ToolCall

logger = logging.getLogger(__name__)

LOAD_SKILL_TOOL = "load_skill"


@dataclass(frozen=True)
class ToolOutcome:
    call: ToolCall
    content: str
    is_error: bool = False


class ToolRunner:
    """Run tool calls concurrently, each with its own timeout."""

    def __init__(self, timeout_seconds: float) -> None:
        self._timeout = timeout_seconds

    async def run_all(
        self, calls: list[ToolCall], tools: list[Tool], context: ToolContext
    ) -> list[ToolOutcome]:
        """Run every call at once; the outcomes keep the order of `calls`."""
        by_name = {tool.spec.name: tool for tool in tools}
        return list(await asyncio.gather(*(self._run_one(call, by_name, context) for call in calls)))

    async def _run_one(self, call: ToolCall, by_name: dict[str, Tool], context: ToolContext) -> ToolOutcome:
        tool = by_name.get(call.name)
        if tool is None:
            offered = ", ".join(sorted(by_name)) or "none"
            return ToolOutcome(call, f"Error: unknown tool '{call.name}'. Tools offered: {offered}.", True)
        try:
            arguments = check_arguments(tool, call.arguments)
            async with asyncio.timeout(self._timeout):
                content = await tool.run(arguments, context)
        except ToolFailed as exc:
            return ToolOutcome(call, f"Error: {exc}", True)
        except TimeoutError:
            logger.warning("Tool %s (call %s) timed out after %s s", call.name, call.id, self._timeout)
            return ToolOutcome(call, f"Error: tool '{call.name}' timed out after {self._timeout:g} s", True)
        except Exception as exc:
            logger.exception("Tool %s (call %s) failed unexpectedly", call.name, call.id)
            return ToolOutcome(call, f"Error: tool '{call.name}' failed: {type(exc).__name__}: {exc}", True)
        return ToolOutcome(call, content if isinstance(content, str) else str(content))


async def offered_tools(registry: Any, skills: Any, loaded_skills: list[str]) -> list[Tool]:
    """Return the tools to offer now, narrowed by the `allowed_tools` of loaded skills.

    When any loaded skill lists `allowed_tools`, only tools named in the union of those lists are
    offered, plus `load_skill` so the model can still switch skills.
    """
    tools = await registry.tools()
    allowed = await _allowed_tool_names(skills, loaded_skills)
    if allowed is None:
        return tools
    return [tool for tool in tools if tool.spec.name in allowed or tool.spec.name == LOAD_SKILL_TOOL]


# Disabled skills whose lifted tool limits were already logged, so each is logged once until it
# is enabled again.
_reported_disabled: set[str] = set()


async def _allowed_tool_names(skills: Any, loaded_skills: list[str]) -> set[str] | None:
    """Return the union of the `allowed_tools` of loaded skills; None when nothing narrows.

    A deleted or disabled skill no longer narrows the tools, even though its instructions stay in
    the history, because the user removed it on purpose.
    """
    if not loaded_skills:
        return None
    allowed: set[str] | None = None
    for name in dict.fromkeys(loaded_skills):
        try:
            skill = await skills.get(name)
        except NotFound:
            logger.warning("Loaded skill %s is no longer available; its tool limits are ignored", name)
            continue
        if not skill.enabled:
            if name not in _reported_disabled:
                _reported_disabled.add(name)
                logger.info("Loaded skill %s is disabled; its tool limits no longer apply", name)
            continue
        _reported_disabled.discard(name)
        if skill.allowed_tools is not None:
            allowed = (allowed or set()) | set(skill.allowed_tools)
    return allowed
