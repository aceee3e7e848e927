"""Calls to OpenAI-compatible endpoints through the official `openai` SDK.

Every failure leaves this module as a `ProviderError` whose message names the URL tried and the
HTTP status or the network cause, so that the operator can fix the provider settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import openai

from ruri.config import Settings
from ruri.errors import ProviderError
from ruri.services.providers import ProviderConnection

logger = logging.getLogger(__name__)

MAX_CACHED_CLIENTS = 16

T = TypeVar("T")


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str

    def to_openai(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


@dataclass
class ModelReply:
    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage | None = None
    finish_reason: str | None = None


def _upstream_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
        if isinstance(error, str):
            return error
    text = exc.response.text if exc.response is not None else ""
    return text[:300] or exc.message


@contextlib.contextmanager
def translate_errors(conn: ProviderConnection, action: str):
    """Turn SDK exceptions into `ProviderError` naming the URL and the cause."""
    url = url_without_credentials(conn.api_url)
    where = f"provider '{conn.name or url}' at {url}"
    try:
        yield
    except _StreamTimeout as exc:
        raise ProviderTimeout(f"{action} failed: {where} timed out: {exc}") from exc
    except openai.APITimeoutError as exc:
        raise ProviderError(f"{action} failed: {where} timed out") from exc
    except _StreamCut as exc:
        cause = exc.__cause__.__cause__ or exc.__cause__
        raise ProviderError(
            f"{action} failed: the connection to {where} closed before the answer was complete: "
            f"{cause}"
        ) from exc
    except openai.APIConnectionError as exc:
        cause = exc.__cause__ or exc
        raise ProviderError(f"{action} failed: could not connect to {where}: {cause}") from exc
    except openai.APIStatusError as exc:
        message = _upstream_message(exc)
        raise ProviderError(
            f"{action} failed: {where} returned HTTP {exc.status_code}: {message}",
            upstream_status=exc.status_code,
        ) from exc
    except (openai.APIResponseValidationError, json.JSONDecodeError, ValueError) as exc:
        raise ProviderError(f"{action} failed: {where} sent a malformed response: {exc}") from exc
    except openai.APIError as exc:
        # An error object inside the event stream, sent after the HTTP status was already 200.
        status = _stream_error_status(exc.body)
        sent = "sent an error" if status is None else f"sent an error with status {status}"
        raise ProviderError(f"{action} failed: {where} {sent}: {exc.message}", upstream_status=status) from exc


def url_without_credentials(url: str) -> str:
    """Return `url` without its user-info part (`user:password@`), which may hold a secret."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _stream_error_status(body: object) -> int | None:
    # Providers put the HTTP-like status of a mid-stream error in `code` or `status`. Some send a
    # text code such as "rate_limit_exceeded" there instead, which is not a status.
    if not isinstance(body, dict):
        return None
    for key in ("code", "status"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


class _StreamTimeout(Exception):
    """One of the deadlines of a streamed call passed; the message names which."""


class _StreamCut(Exception):
    """The connection broke after the stream began."""


class _Deadlines:
    """Apply the first-token, chunk-gap and total deadlines of one streamed call."""

    def __init__(self, limits: StreamLimits) -> None:
        self._limits = limits
        now = asyncio.get_running_loop().time()
        self._first_token_at = now + limits.first_token
        self._end_at = now + limits.total
        self.got_token = False

    async def run(self, awaitable: Awaitable[T]) -> T:
        now = asyncio.get_running_loop().time()
        if self.got_token:
            limit, reason = now + self._limits.chunk_gap, f"no data for {self._limits.chunk_gap:g} s"
        else:
            limit, reason = self._first_token_at, f"no first token within {self._limits.first_token:g} s"
        if self._end_at <= limit:
            limit, reason = self._end_at, f"the answer took longer than {self._limits.total:g} s"
        try:
            async with asyncio.timeout_at(limit):
                return await awaitable
        except TimeoutError:
            raise _StreamTimeout(reason) from None


class ModelClients:
    """One `AsyncOpenAI` client per provider URL and key, reused across calls."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._clients: dict[tuple[str, str], openai.AsyncOpenAI] = {}

    def client(self, conn: ProviderConnection) -> openai.AsyncOpenAI:
        key = (conn.api_url, conn.api_key)
        client = self._clients.get(key)
        if client is None:
            if len(self._clients) >= MAX_CACHED_CLIENTS:
                self._clients.pop(next(iter(self._clients)))
            client = self._new_client(conn)
            self._clients[key] = client
        return client

    def _new_client(self, conn: ProviderConnection) -> openai.AsyncOpenAI:
        settings = self._settings
        timeout = openai.Timeout(
            settings.provider_read_timeout,
            connect=settings.provider_connect_timeout,
        )
        return openai.AsyncOpenAI(
            # The SDK requires some key; `_request_options` leaves the header out when it is empty.
            api_key=conn.api_key or "no-key",
            base_url=conn.api_url,
            timeout=timeout,
            max_retries=0,
        )

    async def complete(
        self,
        conn: ProviderConnection,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
    ) -> ModelReply:
        """Run one non-streamed chat completion and return the first choice."""
        request: dict[str, Any] = {"model": conn.model, "messages": messages, **_request_options(conn)}
        if tools:
            request["tools"] = tools
        with translate_errors(conn, "Chat completion"):
            completion = await self.client(conn).chat.completions.create(**request)
            return _reply_from_completion(completion)

    async def stream(
        self,
        conn: ProviderConnection,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        on_text: Callable[[str], None],
        limits: StreamLimits,
    ) -> ModelReply:
        """Run one streamed chat completion, passing each text piece to `on_text` on arrival.

        Tool-call arguments that arrive in pieces are joined. Cancelling the caller closes the
        upstream HTTP response, so the provider detects the closed connection.
        """
        request: dict[str, Any] = {
            "model": conn.model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            **_request_options(conn),
        }
        if tools:
            request["tools"] = tools
        assembler = _StreamAssembler(on_text)
        with translate_errors(conn, "Chat completion"):
            deadlines = _Deadlines(limits)
            stream = await deadlines.run(self.client(conn).chat.completions.create(**request))
            async with stream:
                await _read_stream(stream, assembler, deadlines)
            return assembler.reply()

    async def list_models(self, conn: ProviderConnection) -> list[str]:
        with translate_errors(conn, "Listing models"):
            page = await self.client(conn).models.list(**_request_options(conn))
            ids = [model.id for model in page.data]
        return sorted(set(ids))

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()


def _request_options(conn: ProviderConnection) -> dict[str, Any]:
    # An empty key means the endpoint takes no key (Ollama, LM Studio), so no header is sent. The
    # SDK (openai 3.x) honours an omitted Authorization only among the per-request headers.
    if conn.api_key:
        return {}
    return {"extra_headers": {"Authorization": openai.Omit()}}


async def _read_stream(stream: Any, assembler: _StreamAssembler, deadlines: _Deadlines) -> None:
    while True:
        try:
            chunk = await deadlines.run(stream.__anext__())
        except StopAsyncIteration:
            return
        except openai.APITimeoutError:
            raise
        except openai.APIConnectionError as exc:
            raise _StreamCut() from exc
        if assembler.add(chunk):
            deadlines.got_token = True


def _reply_from_completion(completion: Any) -> ModelReply:
    choices = getattr(completion, "choices", None)
    if not choices:
        raise ValueError("the response has no choices")
    message = choices[0].message
    tool_calls = [
        ToolCall(id=call.id, name=call.function.name, arguments=call.function.arguments or "")
        for call in message.tool_calls or []
    ]
    usage = None if completion.usage is None else _usage(completion.usage)
    return ModelReply(
        content=message.content or "",
        tool_calls=tool_calls,
        usage=usage,
        finish_reason=choices[0].finish_reason,
    )


class ProviderTimeout(ProviderError):
    """A streamed answer took too long; the text received so far is still usable."""


@dataclass(frozen=True)
class StreamLimits:
    """Deadlines of one streamed call, in seconds."""

    first_token: float
    chunk_gap: float
    total: float


@dataclass
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: str = ""


class _StreamAssembler:
    """Collect the text, tool-call pieces and usage of a streamed completion."""

    def __init__(self, on_text: Callable[[str], None]) -> None:
        self._on_text = on_text
        self.text: list[str] = []
        self.calls: dict[int, _PendingCall] = {}
        self.usage: Usage | None = None
        self.finish_reason: str | None = None
        self.chunks = 0

    def add(self, chunk: Any) -> bool:
        """Take one chunk; return True when it carried text or a tool-call piece."""
        self.chunks += 1
        if getattr(chunk, "usage", None) is not None:
            self.usage = _usage(chunk.usage)
        carried = False
        for choice in getattr(chunk, "choices", None) or []:
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
            delta = choice.delta
            if delta is None:
                continue
            if delta.content:
                self.text.append(delta.content)
                self._on_text(delta.content)
                carried = True
            for piece in delta.tool_calls or []:
                self._add_call_piece(piece)
                carried = True
        return carried

    def _add_call_piece(self, piece: Any) -> None:
        call = self.calls.setdefault(piece.index or 0, _PendingCall())
        if piece.id:
            call.id = piece.id
        function = piece.function
        if function is not None:
            if function.name:
                call.name += function.name
            if function.arguments:
                call.arguments += function.arguments

    def reply(self) -> ModelReply:
        if self.chunks == 0:
            raise ValueError("the stream ended without any data")
        tool_calls = [
            # A provider that sends no id gets a unique one, so ids stay distinct across steps.
            ToolCall(id=call.id or f"call_{uuid.uuid4().hex}", name=call.name, arguments=call.arguments)
            for _index, call in sorted(self.calls.items())
        ]
        return ModelReply(
            content="".join(self.text),
            tool_calls=tool_calls,
            usage=self.usage,
            finish_reason=self.finish_reason,
        )


def _usage(raw: Any) -> Usage:
    return Usage(
        prompt_tokens=raw.prompt_tokens or 0,
        completion_tokens=raw.completion_tokens or 0,
    )
