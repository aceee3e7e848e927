"""Conversations and their messages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ruri.db.models import ConversationRow, MessageRow
from ruri.db.types import utcnow
from ruri.errors import not_found, row_or_404
from ruri.services.text import FreeText, IdentifierText
from ruri.services.validation import parse_input

logger = logging.getLogger(__name__)

WEB_BOT_NAME = "web"
WEB_CHAT_ID = "web"
DEFAULT_CONVERSATION_LIMIT = 50
MAX_CONVERSATION_LIMIT = 200
DEFAULT_MESSAGE_LIMIT = 200
MAX_MESSAGE_LIMIT = 1000


class ChatType(str, Enum):
    private = "private"
    group = "group"


class Role(str, Enum):
    user = "user"
    assistant = "assistant"
    system = "system"
    tool = "tool"


@dataclass(frozen=True)
class ConversationData:
    id: str
    bot_name: str
    chat_type: str
    chat_id: str
    title: str | None
    created_at: datetime
    updated_at: datetime
    message_count: int


@dataclass(frozen=True)
class MessageData:
    id: str
    conversation_id: str
    role: str
    content: str
    created_at: datetime
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None
    status: str = "complete"


class ConversationFilter(BaseModel):
    bot_name: IdentifierText | None = Field(default=None, max_length=200)
    chat_type: ChatType | None = None
    keyword: FreeText | None = Field(default=None, max_length=500)
    limit: int = Field(default=DEFAULT_CONVERSATION_LIMIT, ge=1, le=MAX_CONVERSATION_LIMIT)
    offset: int = Field(default=0, ge=0)


class ConversationCreate(BaseModel):
    bot_name: IdentifierText = Field(min_length=1, max_length=200)
    chat_type: ChatType
    chat_id: IdentifierText = Field(min_length=1, max_length=500)
    title: FreeText | None = Field(default=None, max_length=500)


class MessageCreate(BaseModel):
    role: Role
    content: FreeText = Field(max_length=1_000_000)


class MessagePage(BaseModel):
    limit: int = Field(default=DEFAULT_MESSAGE_LIMIT, ge=1, le=MAX_MESSAGE_LIMIT)
    before: str | None = Field(default=None, max_length=36)


def conversation_data(row: ConversationRow) -> ConversationData:
    return ConversationData(
        id=row.id,
        bot_name=row.bot_name,
        chat_type=row.chat_type,
        chat_id=row.chat_id,
        title=row.title,
        created_at=row.created_at,
        updated_at=row.updated_at,
        message_count=row.message_count,
    )


def message_data(row: MessageRow) -> MessageData:
    return MessageData(
        id=row.id,
        conversation_id=row.conversation_id,
        role=row.role,
        content=row.content,
        created_at=row.created_at,
        tool_calls=row.tool_calls,
        tool_call_id=row.tool_call_id,
        status=row.status,
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ConversationService:
    def __init__(self, db: async_sessionmaker) -> None:
        self._db = db

    async def list(self, filters: dict) -> list[ConversationData]:
        query = parse_input(ConversationFilter, filters)
        statement = select(ConversationRow)
        if query.bot_name is not None:
            statement = statement.where(ConversationRow.bot_name == query.bot_name)
        if query.chat_type is not None:
            statement = statement.where(ConversationRow.chat_type == query.chat_type.value)
        if query.keyword:
            pattern = f"%{_escape_like(query.keyword.lower())}%"
            statement = statement.where(
                or_(
                    ConversationRow.title.ilike(pattern, escape="\\"),
                    ConversationRow.chat_id.ilike(pattern, escape="\\"),
                )
            )
        statement = (
            statement.order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        async with self._db() as session:
            return [conversation_data(row) for row in await session.scalars(statement)]

    async def create(self, data: dict) -> ConversationData:
        fields = parse_input(ConversationCreate, data)
        async with self._db.begin() as session:
            row = ConversationRow(**fields.model_dump(mode="json"))
            session.add(row)
            await session.flush()
            conversation = conversation_data(row)
        logger.info("Created conversation %s (bot %s, chat %s)", row.id, row.bot_name, row.chat_type)
        return conversation

    async def get(self, conversation_id: str) -> ConversationData:
        async with self._db() as session:
            return conversation_data(await self._row(session, conversation_id))

    async def get_many(self, conversation_ids: list[str]) -> list[ConversationData | None]:
        async with self._db() as session:
            rows = await session.scalars(
                select(ConversationRow).where(ConversationRow.id.in_(conversation_ids))
            )
            by_id = {row.id: conversation_data(row) for row in rows}
        return [by_id.get(key) for key in conversation_ids]

    async def delete(self, conversation_id: str) -> None:
        async with self._db.begin() as session:
            await session.delete(await self._row(session, conversation_id))
        logger.info("Deleted conversation %s and its messages", conversation_id)

    async def web_conversation(self) -> ConversationData:
        """Return the web chat's own conversation, creating it on first use."""
        async with self._db.begin() as session:
            row = await session.scalar(self._web_query())
            if row is None:
                row = ConversationRow(
                    bot_name=WEB_BOT_NAME,
                    chat_type=ChatType.private.value,
                    chat_id=WEB_CHAT_ID,
                    title="Web chat",
                )
                session.add(row)
                await session.flush()
                logger.info("Created the web chat conversation %s", row.id)
            return conversation_data(row)

    async def web_history(self, page: dict) -> list[MessageData]:
        async with self._db() as session:
            row = await session.scalar(self._web_query())
        if row is None:
            return []
        return await self.messages(row.id, page)

    async def clear_web_history(self) -> None:
        async with self._db.begin() as session:
            row = await session.scalar(self._web_query())
            if row is None:
                return
            await session.execute(delete(MessageRow).where(MessageRow.conversation_id == row.id))
            row.message_count = 0
            row.updated_at = utcnow()
        logger.info("Cleared the web chat history (conversation %s)", row.id)

    async def add_message(self, conversation_id: str, data: dict) -> MessageData:
        fields = parse_input(MessageCreate, data)
        return await self.append(conversation_id, role=fields.role.value, content=fields.content)

    async def append(
        self,
        conversation_id: str,
        *,
        role: str,
        content: str,
        tool_calls: list[dict[str, Any]] | None = None,
        tool_call_id: str | None = None,
        status: str = "complete",
    ) -> MessageData:
        """Store one message and move the conversation's `updated_at` to its time."""
        now = utcnow()
        async with self._db.begin() as session:
            result = await session.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(updated_at=now, message_count=ConversationRow.message_count + 1)
            )
            if result.rowcount == 0:
                raise not_found("Conversation", conversation_id)
            row = MessageRow(
                conversation_id=conversation_id,
                role=role,
                content=content,
                tool_calls=tool_calls,
                tool_call_id=tool_call_id,
                status=status,
                created_at=now,
            )
            session.add(row)
            await session.flush()
            return message_data(row)

    async def messages(self, conversation_id: str, page: dict) -> list[MessageData]:
        """Return the newest `limit` messages (older than `before`, if given), oldest first."""
        query = parse_input(MessagePage, page)
        async with self._db() as session:
            await self._row(session, conversation_id)
            statement = select(MessageRow).where(MessageRow.conversation_id == conversation_id)
            if query.before:
                statement = statement.where(await self._older_than(session, conversation_id, query.before))
            statement = statement.order_by(
                MessageRow.created_at.desc(), MessageRow.seq.desc()
            ).limit(query.limit)
            rows = list(await session.scalars(statement))
        rows.reverse()
        return [message_data(row) for row in rows]

    async def history(self, conversation_id: str) -> list[MessageData]:
        """Return every message of a conversation, oldest first, for the agent's context."""
        async with self._db() as session:
            rows = await session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.created_at, MessageRow.seq)
            )
            return [message_data(row) for row in rows]

    async def last_messages(self, conversation_ids: list[str]) -> list[MessageData | None]:
        """Return the newest message of each conversation (None when empty), in one query."""
        newest_first = func.row_number().over(
            partition_by=MessageRow.conversation_id,
            order_by=(MessageRow.created_at.desc(), MessageRow.seq.desc()),
        )
        ranked = (
            select(MessageRow.seq, newest_first.label("position"))
            .where(MessageRow.conversation_id.in_(conversation_ids))
            .subquery()
        )
        statement = select(MessageRow).join(ranked, ranked.c.seq == MessageRow.seq).where(
            ranked.c.position == 1
        )
        async with self._db() as session:
            rows = await session.scalars(statement)
            by_conversation = {row.conversation_id: message_data(row) for row in rows}
        return [by_conversation.get(key) for key in conversation_ids]

    async def total_messages(self) -> int:
        async with self._db() as session:
            return await session.scalar(select(func.coalesce(func.sum(ConversationRow.message_count), 0)))

    async def _older_than(self, session: AsyncSession, conversation_id: str, message_id: str):
        anchor = await session.scalar(
            select(MessageRow).where(
                MessageRow.id == message_id, MessageRow.conversation_id == conversation_id
            )
        )
        if anchor is None:
            raise not_found("Message", message_id)
        return or_(
            MessageRow.created_at < anchor.created_at,
            and_(MessageRow.created_at == anchor.created_at, MessageRow.seq < anchor.seq),
        )

    async def _row(self, session: AsyncSession, conversation_id: str) -> ConversationRow:
        return await row_or_404(session, ConversationRow, conversation_id, "Conversation")

    @staticmethod
    def _web_query():
        return select(ConversationRow).where(
            ConversationRow.bot_name == WEB_BOT_NAME,
            ConversationRow.chat_type == ChatType.private.value,
            ConversationRow.chat_id == WEB_CHAT_ID,
        ).order_by(ConversationRow.created_at).limit(1)
