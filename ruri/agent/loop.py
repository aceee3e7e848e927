"""The agent loop of one chat run: call the model, run the tools it requests, repeat.

Each step streams one model answer. An answer with tool calls is stored with its calls, the
calls run concurrently, their results are stored, and the next step sends the grown history.
An answer without tool calls is the final message. Every message is stored as it happens, so
a stop, a timeout or a server shutdown leaves a history that replays exactly.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from ruri.agent.events import ChatEvent, EventKind, RunError
from ruri.agent.execute import ToolOutcome, ToolRunner, offered_tools
from ruri.agent.history import (
    SYSTEM_PROMPT,
    loaded_skill_names,
    to_model_messages,
    truncate_tool_output,
)
from ruri.agent.registry import ToolRegistry
from ruri.agent.runs import ChatResult, ChatRun
from ruri.agent.tools import Tool, ToolContext
from ruri.config import Settings
from ruri.errors import RuriError
from ruri.providers.openai_compatible import (
    ModelClients,
    ModelReply,
    ProviderTimeout,
    StreamLimits,
    ToolCall,
    Usage,
)
from ruri.services.conversations import ConversationService, MessageData
from ruri.services.providers import ProviderConnection
from ruri.skills import SkillService

logger = logging.getLogger(__name__)

# The same call (tool and arguments) this many times in a row ends the run early.
MAX_REPEATED_CALLS = 3
STOPPED_TOOL_RESULT = "Error: the chat was stopped before this tool finished."


@dataclass(frozen=True)
class AgentDeps:
    settings: Settings
    conversations: ConversationService
    models: ModelClients
    registry: ToolRegistry
    skills: SkillService


class AgentLoop:
    def __init__(
        self,
        deps: AgentDeps,
        run: ChatRun,
        connection: ProviderConnection,
        history: list[MessageData],
    ) -> None:
        self._deps = deps
        self._settings = deps.settings
        self._run = run
        self._connection = connection
        self._history = history
        # Skills loaded in earlier turns still narrow the tools, as their instructions are still
        # in the history.
        self._context = ToolContext(
            conversation_id=run.conversation_id, loaded_skills=loaded_skill_names(history)
        )
        self._runner = ToolRunner(deps.settings.tool_timeout_seconds)
        # Text of the model answer in progress, and calls stored without their results yet.
        self._text: list[str] = []
        self._pending: list[ToolCall] = []
        self._calls_made: list[dict[str, Any]] = []
        self._call_keys: list[tuple[str, str]] = []
        self._usage: Usage | None = None
        # Tools and system prompt looked up before the run began, used by the first step.
        self._prepared: tuple[list[Tool], str] | None = None

    async def execute(self) -> None:
        """Run to the end and record the outcome on the run; nothing is raised."""
        try:
            message = await self._steps()
            self._complete(message)
        except asyncio.CancelledError:
            _uncancel()
            await _without_cancellation(self._store_stopped())
        except ProviderTimeout as exc:
            await _without_cancellation(self._fail(exc, keep_partial=True))
        except RuriError as exc:
            await _without_cancellation(self._fail(exc))
        except Exception:
            error_id = uuid.uuid4().hex[:12]
            logger.exception(
                "Chat run in conversation %s failed unexpectedly, error id %s",
                self._run.conversation_id,
                error_id,
            )
            error = RuriError(f"Internal error (id {error_id}); the server log has the details")
            await _without_cancellation(self._fail(error))

    async def _steps(self) -> MessageData:
        max_steps = self._settings.agent_max_steps
        for _step in range(max_steps):
            prepared, self._prepared = self._prepared, None
            tools, system_prompt = prepared or await self.prepare_step()
            reply = await self._call_model(tools, system_prompt)
            if not reply.tool_calls:
                return await self._append(role="assistant", content=reply.content)
            await self._run_tools(reply, tools)
            repeated = self._repeated_call()
            if repeated is not None:
                return await self._notice(
                    f"I stopped because I called the tool '{repeated}' with the same arguments "
                    f"{MAX_REPEATED_CALLS} times in a row without getting closer to an answer. "
                    "Tell me how to proceed."
                )
        return await self._notice(
            f"I stopped after {max_steps} steps because I reached the step limit "
            f"(agent_max_steps = {max_steps}) before I had a final answer. "
            "Send another message to let me continue."
        )

    async def prepare_step(self) -> tuple[list[Tool], str]:
        """Look up the tools to offer and the system prompt for the next model call."""
        # Independent lookups run together to keep the time to the first token short.
        tools, system_prompt = await asyncio.gather(
            offered_tools(self._deps.registry, self._deps.skills, self._context.loaded_skills),
            self._system_prompt(),
        )
        return tools, system_prompt

    async def prepare_first_step(self) -> None:
        """Run `prepare_step` ahead of the run, while the caller stores the user message."""
        self._prepared = await self.prepare_step()

    def add_message(self, message: MessageData) -> None:
        """Add a message stored outside the loop (the user message) to the history."""
        self._history.append(message)

    async def _call_model(self, tools: list[Tool], system_prompt: str) -> ModelReply:
        messages = to_model_messages(
            self._history,
            system_prompt,
            max_chars=self._settings.history_max_chars,
            tool_output_max_chars=self._settings.tool_output_max_chars,
        )
        self._text = []
        reply = await self._deps.models.stream(
            self._connection,
            messages,
            [tool.spec.to_openai() for tool in tools] or None,
            self._on_text,
            StreamLimits(
                first_token=self._settings.provider_first_token_timeout,
                chunk_gap=self._settings.provider_chunk_gap_timeout,
                total=self._settings.provider_total_timeout,
            ),
        )
        self._add_usage(reply.usage)
        return reply

    def _on_text(self, text: str) -> None:
        self._text.append(text)
        self._emit(EventKind.delta, text=text)

    async def _run_tools(self, reply: ModelReply, tools: list[Tool]) -> None:
        calls = reply.tool_calls
        openai_calls = [call.to_openai() for call in calls]
        await self._append(role="assistant", content=reply.content, tool_calls=openai_calls)
        self._text = []
        self._pending = list(calls)
        self._calls_made.extend(openai_calls)
        for call in calls:
            self._call_keys.append((call.name, _normalized_arguments(call.arguments)))
            self._emit(EventKind.tool_call, tool_call_id=call.id, tool_name=call.name, arguments=call.arguments)
        outcomes = await self._runner.run_all(calls, tools, self._context)
        for outcome in outcomes:
            await self._store_result(outcome)

    async def _store_result(self, outcome: ToolOutcome) -> None:
        call = outcome.call
        message = await self._append(role="tool", content=outcome.content, tool_call_id=call.id)
        self._pending.remove(call)
        self._emit(
            EventKind.tool_result,
            message=message,
            tool_call_id=call.id,
            tool_name=call.name,
            text=truncate_tool_output(outcome.content, self._settings.tool_output_max_chars),
            is_error=outcome.is_error,
        )

    def _repeated_call(self) -> str | None:
        recent = self._call_keys[-MAX_REPEATED_CALLS:]
        if len(recent) == MAX_REPEATED_CALLS and len(set(recent)) == 1:
            return recent[0][0]
        return None

    async def _notice(self, text: str) -> MessageData:
        """Store a final message the server writes itself, streaming it like model text."""
        self._emit(EventKind.delta, text=text)
        return await self._append(role="assistant", content=text)

    async def _system_prompt(self) -> str:
        try:
            section = await self._deps.skills.prompt_section()
        except Exception:
            logger.exception("Building the skills section of the system prompt failed; sending none")
            return SYSTEM_PROMPT
        return f"{SYSTEM_PROMPT}\n\n{section}" if section else SYSTEM_PROMPT

    async def _store_stopped(self) -> None:
        """Store what the run produced before the stop, marked `stopped`."""
        for call in list(self._pending):
            await self._store_result(ToolOutcome(call, STOPPED_TOOL_RESULT, is_error=True))
        # Stored even without text, because the POST /api/chat response and the `final` event
        # need an assistant message whose status shows waiting clients the stop.
        message = await self._append(role="assistant", content="".join(self._text), status="stopped")
        logger.info("Stopped the chat run in conversation %s", self._run.conversation_id)
        self._complete(message)

    async def _fail(self, error: RuriError, *, keep_partial: bool = False) -> None:
        """Record a failed run; a timed-out answer keeps its partial text, marked `timed_out`."""
        message = None
        text = "".join(self._text)
        if keep_partial and text:
            message = await self._append(role="assistant", content=text, status="timed_out")
        logger.warning("Chat run in conversation %s failed: %s", self._run.conversation_id, error.message)
        upstream_status = getattr(error, "upstream_status", None)
        run_error = RunError(code=error.code, message=error.message, upstream_status=upstream_status)
        self._run.error = error
        self._emit(EventKind.error, message=message, error=run_error)

    def _complete(self, message: MessageData) -> None:
        self._run.result = ChatResult(
            conversation_id=self._run.conversation_id,
            message=message,
            tool_calls=self._calls_made,
            usage=self._usage,
        )
        self._emit(EventKind.final, message=message, usage=self._usage)
        logger.info(
            "Stored the final message %s in conversation %s (status %s)",
            message.id,
            self._run.conversation_id,
            message.status,
        )

    async def _append(self, **fields: Any) -> MessageData:
        message = await self._deps.conversations.append(self._run.conversation_id, **fields)
        self._history.append(message)
        return message

    def _add_usage(self, usage: Usage | None) -> None:
        if usage is None:
            return
        if self._usage is None:
            self._usage = usage
            return
        self._usage = Usage(
            prompt_tokens=self._usage.prompt_tokens + usage.prompt_tokens,
            completion_tokens=self._usage.completion_tokens + usage.completion_tokens,
        )

    def _emit(self, kind: EventKind, **fields: Any) -> None:
        self._run.emit(ChatEvent(kind=kind, conversation_id=self._run.conversation_id, **fields))


def _normalized_arguments(raw: str) -> str:
    try:
        return json.dumps(json.loads(raw), sort_keys=True)
    except (json.JSONDecodeError, TypeError):
        return raw


def _uncancel() -> None:
    # The stop was handled here; clearing every pending request keeps later timeouts in this task
    # working and lets the stored outcome reach the database.
    task = asyncio.current_task()
    if task is not None:
        while task.cancelling():
            task.uncancel()


async def _without_cancellation(outcome: Awaitable[None]) -> None:
    """Await `outcome` to the end, even when the current task is cancelled meanwhile.

    Recording the outcome writes to the database. A cancellation in the middle of it would end
    the run without a stored message and without a `final` or `error` event.
    """
    inner = asyncio.ensure_future(outcome)
    while True:
        try:
            await asyncio.shield(inner)
            return
        except asyncio.CancelledError:
            if inner.cancelled():
                raise
            _uncancel()
            if inner.done():
                inner.result()
                return
            logger.info("Ignored a cancellation while the chat run stored its outcome")
