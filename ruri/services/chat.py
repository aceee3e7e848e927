"""Chat turns: store the user message, start an agent run, follow or stop it.

The run engine lives in `ruri.agent`; this service checks the request, picks the conversation
and the provider, and hands out runs. The `chat` mutation, the `chat` subscription and
platform bots all start runs the same way.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from ruri.agent.events import ChatEvent, EventKind
from ruri.agent.loop import AgentDeps, AgentLoop
from ruri.agent.runs import ChatResult, ChatRun, RunManager
from ruri.errors import NotFound
from ruri.services.conversations import ConversationData
from ruri.services.text import FreeText
from ruri.services.validation import parse_input

if TYPE_CHECKING:
    from ruri.services.container import Services

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 100_000

__all__ = ["ChatInput", "ChatResult", "ChatRun", "ChatService", "StopInput", "StopResult"]


class ChatInput(BaseModel):
    message: FreeText = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    conversation_id: str | None = Field(default=None, max_length=36)
    # A provider other than the active one, for this turn only.
    provider_id: str | None = Field(default=None, max_length=36)


class StopInput(BaseModel):
    conversation_id: str | None = Field(default=None, max_length=36)


@dataclass(frozen=True)
class StopResult:
    conversation_id: str
    stopped: bool


class ChatService:
    def __init__(self, services: Services) -> None:
        # The container, not single services: tools and skills are added to it after this.
        self._services = services
        self.runs = RunManager(services.settings.max_chat_runs_per_user, self._tell_status)

    @property
    def active_runs(self) -> int:
        return self.runs.active_count

    async def chat(self, data: dict, *, user_id: str | None = None) -> ChatResult:
        """Run one agent turn and wait for its final message."""
        run = await self.start(data, user_id=user_id)
        return await run.wait()

    async def start(self, data: dict, *, user_id: str | None = None) -> ChatRun:
        """Store the user message and start the run; the caller may follow its events."""
        payload = parse_input(ChatInput, data)
        services = self._services
        conversation = await self._conversation(payload.conversation_id)
        if payload.provider_id:
            connection = await services.providers.connection(payload.provider_id)
        else:
            connection = await services.providers.active_connection()

        run = self.runs.reserve(conversation.id, user_id)
        try:
            user_message = await services.conversations.append(
                conversation.id, role="user", content=payload.message
            )
            history = await services.conversations.history(conversation.id)
        except BaseException:
            self.runs.release(run)
            raise
        run.emit(ChatEvent(EventKind.user_message, conversation.id, message=user_message))
        loop = AgentLoop(self._deps(), run, connection, history)
        await self.runs.launch(run, loop.execute)
        logger.info(
            "Started a chat run in conversation %s with provider %s", conversation.id, connection.id
        )
        return run

    async def attach(self, conversation_id: str) -> ChatRun:
        """Return the run in progress in a conversation."""
        await self._services.conversations.get(conversation_id)
        run = self.runs.get(conversation_id)
        if run is None:
            raise NotFound(f"No chat is running in conversation {conversation_id}")
        return run

    async def stop(self, data: dict) -> StopResult:
        """Stop the run of a conversation (the web chat by default) and wait until it is stored."""
        payload = parse_input(StopInput, data)
        conversation_id = (await self._conversation(payload.conversation_id)).id
        run = self.runs.get(conversation_id)
        if run is None:
            return StopResult(conversation_id=conversation_id, stopped=False)
        run.stop()
        if run.task is not None:
            # Shielded: a client that gives up waiting does not interrupt storing the answer.
            await asyncio.shield(asyncio.wait([run.task]))
        return StopResult(conversation_id=conversation_id, stopped=True)

    async def aclose(self) -> None:
        await self.runs.aclose()

    async def _conversation(self, conversation_id: str | None) -> ConversationData:
        if conversation_id:
            return await self._services.conversations.get(conversation_id)
        return await self._services.conversations.web_conversation()

    def _deps(self) -> AgentDeps:
        services = self._services
        return AgentDeps(
            settings=services.settings,
            conversations=services.conversations,
            models=services.models,
            registry=getattr(services, "tools", None),
            skills=getattr(services, "skills", None),
        )

    async def _tell_status(self) -> None:
        status = getattr(self._services, "status", None)
        if status is not None:
            await status.changed()
