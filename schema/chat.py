"""Chat turns and the web chat's history."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ruri.services.chat import ChatResult
from schema.context import ctx
from schema.conversations import Message
from schema.inputs import args_dict, input_dict


@strawberry.type(description="Token counts the provider reported for a turn.")
class Usage:
    prompt_tokens: int
    completion_tokens: int


@strawberry.type(description="The outcome of one chat turn.")
class ChatResponse:
    conversation_id: strawberry.ID
    message: Message = strawberry.field(description="The final assistant message.")
    tool_calls: list[JSON] = strawberry.field(description="Tool calls made during the turn.")
    usage: Usage | None

    @classmethod
    def from_result(cls, result: ChatResult) -> ChatResponse:
        usage = None
        if result.usage is not None:
            usage = Usage(
                prompt_tokens=result.usage.prompt_tokens,
                completion_tokens=result.usage.completion_tokens,
            )
        return cls(
            conversation_id=result.conversation_id,
            message=Message.from_data(result.message),
            tool_calls=result.tool_calls,
            usage=usage,
        )


@strawberry.input
class ChatInput:
    message: str | None = strawberry.UNSET
    conversation_id: strawberry.ID | None = strawberry.UNSET


@strawberry.type
class ChatQuery:
    @strawberry.field(description="Messages of the web chat's own conversation, oldest first.")
    async def chat_history(
        self, info: Info, limit: int | None = strawberry.UNSET, before: strawberry.ID | None = strawberry.UNSET
    ) -> list[Message]:
        items = await ctx(info).services.conversations.web_history(args_dict(limit=limit, before=before))
        return [Message.from_data(item) for item in items]


@strawberry.type
class ChatMutation:
    @strawberry.mutation(description="Run one agent turn; without a conversation id, the web chat.")
    async def chat(self, info: Info, input: ChatInput) -> ChatResponse:
        result = await ctx(info).services.chat.chat(input_dict(input))
        return ChatResponse.from_result(result)

    @strawberry.mutation(description="Empty the web chat's conversation.")
    async def clear_chat_history(self, info: Info) -> bool:
        await ctx(info).services.conversations.clear_web_history()
        return True
