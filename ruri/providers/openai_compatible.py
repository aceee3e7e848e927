"""Calls to OpenAI-compatible endpoints through the official `openai` SDK.

Every failure leaves this module as a `ProviderError` whose message names the URL tried and the
HTTP status or the network cause, so that the operator can fix the provider settings.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import openai

from ruri.config import Settings
from ruri.errors import ProviderError
from ruri.services.providers import ProviderConnection

logger = logging.getLogger(__name__)

MAX_CACHED_CLIENTS = 16


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
    where = f"provider '{conn.name or conn.api_url}' at {conn.api_url}"
    try:
        yield
    except openai.APITimeoutError as exc:
        raise ProviderError(f"{action} failed: {where} timed out") from exc
    except openai.APIConnectionError as exc:
        cause = exc.__cause__ or exc
        raise ProviderError(f"{action} failed: could not connect to {where}: {cause}") from exc
    except openai.APIStatusError as exc:
        message = _upstream_message(exc)
        raise ProviderError(
            f"{action} failed: {where} answered HTTP {exc.status_code}: {message}",
            upstream_status=exc.status_code,
        ) from exc
    except (openai.APIResponseValidationError, json.JSONDecodeError, ValueError) as exc:
        raise ProviderError(f"{action} failed: {where} sent a malformed response: {exc}") from exc


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
        # An empty key means the endpoint takes no key (Ollama, LM Studio), so no header is sent.
        headers = {} if conn.api_key else {"Authorization": openai.Omit()}
        return openai.AsyncOpenAI(
            api_key=conn.api_key,
            base_url=conn.api_url,
            timeout=timeout,
            max_retries=0,
            default_headers=headers,
        )

    async def complete(
        self,
        conn: ProviderConnection,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
    ) -> ModelReply:
        """Run one non-streamed chat completion and return the first choice."""
        request: dict[str, Any] = {"model": conn.model, "messages": messages}
        if tools:
            request["tools"] = tools
        with translate_errors(conn, "Chat completion"):
            completion = await self.client(conn).chat.completions.create(**request)
            return _reply_from_completion(completion)

    async def list_models(self, conn: ProviderConnection) -> list[str]:
        with translate_errors(conn, "Listing models"):
            page = await self.client(conn).models.list()
            ids = [model.id for model in page.data]
        return sorted(set(ids))

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()


def _reply_from_completion(completion: Any) -> ModelReply:
    choices = getattr(completion, "choices", None)
    if not choices:
        raise ValueError("the response has no choices")
    message = choices[0].message
    tool_calls = [
        ToolCall(id=call.id, name=call.function.name, arguments=call.function.arguments or "")
        for call in message.tool_calls or []
    ]
    usage = None
    if completion.usage is not None:
        usage = Usage(
            prompt_tokens=completion.usage.prompt_tokens or 0,
            completion_tokens=completion.usage.completion_tokens or 0,
        )
    return ModelReply(
        content=message.content or "",
        tool_calls=tool_calls,
        usage=usage,
        finish_reason=choices[0].finish_reason,
    )
