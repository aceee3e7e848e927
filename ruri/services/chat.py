"""One chat turn: store the user message, run the agent, store what it produced."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from ruri.agent.history import to_model_messages
from ruri.errors import ProviderError
from ruri.providers.openai_compatible import ModelClients, Usage
from ruri.services.conversations import ConversationService, MessageData
from ruri.services.providers import ProviderService
from ruri.services.text import FreeText
from ruri.services.validation import parse_input

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 100_000


class ChatInput(BaseModel):
    message: FreeText = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    conversation_id: str | None = Field(default=None, max_length=36)


@dataclass
class ChatResult:
    conversation_id: str
    message: MessageData
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    usage: Usage | None = None


class ChatService:
    def __init__(
        self,
        conversations: ConversationService,
        providers: ProviderService,
        models: ModelClients,
    ) -> None:
        self._conversations = conversations
        self._providers = providers
        self._models = models
        self.active_runs = 0

    async def chat(self, data: dict) -> ChatResult:
        payload = parse_input(ChatInput, data)
        if payload.conversation_id:
            conversation = await self._conversations.get(payload.conversation_id)
        else:
            conversation = await self._conversations.web_conversation()
        connection = await self._providers.active_connection()

        await self._conversations.append(conversation.id, role="user", content=payload.message)
        self.active_runs += 1
        try:
            history = await self._conversations.history(conversation.id)
            reply = await self._models.complete(connection, to_model_messages(history))
        except ProviderError as exc:
            logger.warning("Chat in conversation %s failed: %s", conversation.id, exc.message)
            raise
        finally:
            self.active_runs -= 1

        message = await self._conversations.append(
            conversation.id, role="assistant", content=reply.content
        )
        logger.info("Answered in conversation %s with message %s", conversation.id, message.id)
        return ChatResult(conversation_id=conversation.id, message=message, usage=reply.usage)
