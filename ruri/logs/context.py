"""Ids that log records pick up from the code that is running: the request and the chat."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aiohttp import web

request_id_var: ContextVar[str | None] = ContextVar("ruri_request_id", default=None)
conversation_id_var: ContextVar[str | None] = ContextVar("ruri_conversation_id", default=None)

REQUEST_ID_HEADER = "X-Request-Id"


@contextmanager
def bind_conversation(conversation_id: str | None) -> Iterator[None]:
    """Tag the records logged inside the block (and in tasks it starts) with the conversation."""
    token = conversation_id_var.set(conversation_id)
    try:
        yield
    finally:
        conversation_id_var.reset(token)


@web.middleware
async def request_id_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Give each request a short id that its log records carry and its response repeats."""
    request_id = uuid.uuid4().hex[:12]
    token = request_id_var.set(request_id)
    try:
        response = await handler(request)
    finally:
        request_id_var.reset(token)
    if not response.prepared:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response
