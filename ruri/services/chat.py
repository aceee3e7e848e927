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
from ruri.services.providers import ProviderConnection
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
        # The provider first, so that a missing one answers 400 before the web chat is created.
        connection = await self._connection(payload.provider_id)
        conversation_id = payload.conversation_id
        if not conversation_id:
            conversation_id = (await services.conversations.web_conversation()).id
        # An unknown conversation has an empty history; `append` below raises its 404.
        history = await services.conversations.history(conversation_id)

        run = self.runs.reserve(conversation_id, user_id)
        loop = AgentLoop(self._deps(), run, connection, history)
        try:
            # The first step's tools and prompt are looked up while the user message is stored;
            # the provider is called only after the store.
            user_message, _ = await asyncio.gather(
                services.conversations.append(conversation_id, role="user", content=payload.message),
                loop.prepare_first_step(),
            )
        except BaseException:
            self.runs.release(run)
            raise
        loop.add_message(user_message)
        run.emit(ChatEvent(EventKind.user_message, conversation_id, message=user_message))
        await self.runs.launch(run, loop.execute)
        logger.info(
            "Started a chat run in conversation %s with provider %s", conversation_id, connection.id
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

    async def _connection(self, provider_id: str | None) -> ProviderConnection:
        if provider_id:
            return await self._services.providers.connection(provider_id)
        return await self._services.providers.active_connection()

    def _deps(self) -> AgentDeps:
        services = self._services
        return AgentDeps(
            settings=services.settings,
            conversations=services.conversations,
            models=services.models,
            registry=services.tools,
            skills=services.skills,
        )

    async def _tell_status(self) -> None:
        await self._services.status.changed()
