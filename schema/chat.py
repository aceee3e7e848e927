"""Chat turns, their live events, stopping a run, and the web chat's history."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ruri.agent import events as run_events
from ruri.services.chat import ChatResult, StopResult
from schema.context import ctx
from schema.conversations import Message
from schema.inputs import args_dict, input_dict


@strawberry.type(description="Token counts the provider reported for a turn.")
class Usage:
    prompt_tokens: int
    completion_tokens: int

    @classmethod
    def from_data(cls, usage) -> Usage | None:
        if usage is None:
            return None
        return cls(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens)


@strawberry.type(description="The outcome of one chat turn.")
class ChatResponse:
    conversation_id: strawberry.ID
    message: Message = strawberry.field(description="The final assistant message.")
    tool_calls: list[JSON] = strawberry.field(description="Tool calls made during the turn.")
    usage: Usage | None = strawberry.field(description="Token counts summed over the turn's model calls.")

    @classmethod
    def from_result(cls, result: ChatResult) -> ChatResponse:
        return cls(
            conversation_id=result.conversation_id,
            message=Message.from_data(result.message),
            tool_calls=result.tool_calls,
            usage=Usage.from_data(result.usage),
        )


@strawberry.type(description="Why a chat run failed.")
class ChatError:
    code: str = strawberry.field(description="The error code, for example `PROVIDER_ERROR`.")
    message: str
    upstream_status: int | None = strawberry.field(
        description="The provider's HTTP status, when the provider answered with an error."
    )


@strawberry.type(description="One event of a chat run; `kind` says which fields are set.")
class ChatEvent:
    kind: str = strawberry.field(
        description="`user_message`, `delta`, `tool_call`, `tool_result`, `final` or `error`."
    )
    conversation_id: strawberry.ID
    text: str | None = strawberry.field(
        description="The new answer text of a `delta`; the result text the model sees of a `tool_result`."
    )
    message: Message | None = strawberry.field(
        description="The stored message of `user_message`, `tool_result` and `final`, and the "
        "stored partial answer of an `error` after a timeout."
    )
    tool_call_id: str | None
    tool_name: str | None
    arguments: str | None = strawberry.field(description="The JSON arguments of a `tool_call`.")
    is_error: bool = strawberry.field(description="True for a `tool_result` that reports a failure.")
    usage: Usage | None = strawberry.field(description="Token counts of the run, on `final`.")
    error: ChatError | None

    @classmethod
    def from_event(cls, event: run_events.ChatEvent) -> ChatEvent:
        error = None
        if event.error is not None:
            error = ChatError(
                code=event.error.code,
                message=event.error.message,
                upstream_status=event.error.upstream_status,
            )
        return cls(
            kind=event.kind.value,
            conversation_id=event.conversation_id,
            text=event.text,
            message=None if event.message is None else Message.from_data(event.message),
            tool_call_id=event.tool_call_id,
            tool_name=event.tool_name,
            arguments=event.arguments,
            is_error=event.is_error,
            usage=Usage.from_data(event.usage),
            error=error,
        )


@strawberry.type(description="The outcome of a stop request.")
class StopChatPayload:
    conversation_id: strawberry.ID
    stopped: bool = strawberry.field(description="False when no chat was running there.")

    @classmethod
    def from_result(cls, result: StopResult) -> StopChatPayload:
        return cls(conversation_id=result.conversation_id, stopped=result.stopped)


@strawberry.input
class ChatInput:
    message: str | None = strawberry.UNSET
    conversation_id: strawberry.ID | None = strawberry.UNSET
    provider_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Use this provider instead of the active one."
    )


@strawberry.input
class StopChatInput:
    conversation_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The conversation to stop; the web chat when left out."
    )


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
    @strawberry.mutation(description="Run one agent turn and wait for its final message; without a conversation id, the web chat.")
    async def chat(self, info: Info, input: ChatInput) -> ChatResponse:
        context = ctx(info)
        result = await context.services.chat.chat(input_dict(input), user_id=context.require_user().id)
        return ChatResponse.from_result(result)

    @strawberry.mutation(
        description="Stop the chat running in a conversation and store its partial answer as "
        "`stopped`; `stopped` is false when nothing was running."
    )
    async def stop_chat(self, info: Info, input: StopChatInput | None = strawberry.UNSET) -> StopChatPayload:
        result = await ctx(info).services.chat.stop(input_dict(input))
        return StopChatPayload.from_result(result)

    @strawberry.mutation(description="Empty the web chat's conversation.")
    async def clear_chat_history(self, info: Info) -> bool:
        await ctx(info).services.conversations.clear_web_history()
        return True


@strawberry.type
class ChatSubscription:
    @strawberry.subscription(
        description="Run one agent turn and stream its events. The run belongs to the server: "
        "closing the subscription does not stop it (use `stopChat`)."
    )
    async def chat(self, info: Info, input: ChatInput) -> AsyncGenerator[ChatEvent, None]:
        context = ctx(info)
        user = context.require_user()
        run = await context.services.chat.start(input_dict(input), user_id=user.id)
        async for event in run.follow():
            yield ChatEvent.from_event(event)

    @strawberry.subscription(
        description="Attach to the chat running in a conversation: every event so far, then the rest."
    )
    async def chat_run(self, info: Info, conversation_id: strawberry.ID) -> AsyncGenerator[ChatEvent, None]:
        context = ctx(info)
        context.require_user()
        run = await context.services.chat.attach(conversation_id)
        async for event in run.follow():
            yield ChatEvent.from_event(event)
