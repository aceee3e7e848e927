"""Conversations and messages."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ruri.services.conversations import ConversationData, MessageData
from schema.context import ctx
from schema.inputs import args_dict, input_dict


@strawberry.type(description="A conversation with one chat (a person, a group or the web chat).")
class Conversation:
    id: strawberry.ID
    bot_name: str
    chat_type: str = strawberry.field(description="`private` or `group`.")
    chat_id: str
    title: str | None
    created_at: datetime
    updated_at: datetime = strawberry.field(description="Time of the newest message.")
    message_count: int

    @strawberry.field(description="The newest message, or null for an empty conversation.")
    async def last_message(self, info: Info) -> Message | None:
        data = await ctx(info).loaders.last_message.load(self.id)
        return None if data is None else Message.from_data(data)

    @classmethod
    def from_data(cls, data: ConversationData) -> Conversation:
        return cls(**data.__dict__)


@strawberry.type(description="A stored message.")
class Message:
    id: strawberry.ID
    conversation_id: strawberry.ID
    role: str = strawberry.field(description="`user`, `assistant`, `system` or `tool`.")
    content: str
    created_at: datetime
    tool_calls: JSON | None = strawberry.field(
        description="Tool calls of an assistant message, in the OpenAI format."
    )
    tool_call_id: str | None = strawberry.field(description="The call a `tool` message answers.")
    status: str = strawberry.field(
        description="`complete`; `stopped` for a stopped answer; `timed_out` for a timed-out one."
    )

    @strawberry.field(description="The conversation this message belongs to.")
    async def conversation(self, info: Info) -> Conversation | None:
        data = await ctx(info).loaders.conversation.load(self.conversation_id)
        return None if data is None else Conversation.from_data(data)

    @classmethod
    def from_data(cls, data: MessageData) -> Message:
        return cls(**data.__dict__)


@strawberry.input
class ConversationInput:
    bot_name: str | None = strawberry.UNSET
    chat_type: str | None = strawberry.UNSET
    chat_id: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET


@strawberry.input
class MessageInput:
    role: str | None = strawberry.UNSET
    content: str | None = strawberry.UNSET


@strawberry.type
class ConversationQuery:
    @strawberry.field(description="Conversations, most recently updated first.")
    async def conversations(
        self,
        info: Info,
        bot_name: str | None = strawberry.UNSET,
        chat_type: str | None = strawberry.UNSET,
        keyword: str | None = strawberry.UNSET,
        limit: int | None = strawberry.UNSET,
        offset: int | None = strawberry.UNSET,
    ) -> list[Conversation]:
        filters = args_dict(
            bot_name=bot_name, chat_type=chat_type, keyword=keyword, limit=limit, offset=offset
        )
        items = await ctx(info).services.conversations.list(filters)
        return [Conversation.from_data(item) for item in items]

    @strawberry.field
    async def conversation(self, info: Info, id: strawberry.ID) -> Conversation:
        return Conversation.from_data(await ctx(info).services.conversations.get(id))

    @strawberry.field(description="The newest `limit` messages before `before`, oldest first.")
    async def messages(
        self,
        info: Info,
        conversation_id: strawberry.ID,
        limit: int | None = strawberry.UNSET,
        before: strawberry.ID | None = strawberry.UNSET,
    ) -> list[Message]:
        page = args_dict(limit=limit, before=before)
        items = await ctx(info).services.conversations.messages(conversation_id, page)
        return [Message.from_data(item) for item in items]


@strawberry.type
class ConversationMutation:
    @strawberry.mutation
    async def create_conversation(self, info: Info, input: ConversationInput) -> Conversation:
        data = await ctx(info).services.conversations.create(input_dict(input))
        return Conversation.from_data(data)

    @strawberry.mutation(description="Delete a conversation and all its messages.")
    async def delete_conversation(self, info: Info, id: strawberry.ID) -> bool:
        await ctx(info).services.conversations.delete(id)
        return True

    @strawberry.mutation(description="Store a message; the conversation's `updatedAt` follows.")
    async def add_message(
        self, info: Info, conversation_id: strawberry.ID, input: MessageInput
    ) -> Message:
        data = await ctx(info).services.conversations.add_message(conversation_id, input_dict(input))
        return Message.from_data(data)
