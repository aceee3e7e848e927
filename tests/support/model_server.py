"""A scripted OpenAI-compatible model server for tests.

It speaks the real wire format of `/v1/chat/completions` (plain JSON and `stream: true` server-sent
events, text and tool calls) and `/v1/models`, so the product reaches it over HTTP through the
`openai` SDK exactly as it would reach a real provider. Tests queue `Reply` objects; each request
takes the next one, or a plain "ok" answer when the queue is empty.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    text: str = ""
    # Each call: {"name": ..., "arguments": "<json text>"}, optionally "id".
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    error_message: str = "scripted failure"
    # Seconds to wait before the response starts, and between streamed chunks.
    delay: float = 0.0
    chunk_delay: float = 0.0
    # Answer with this body instead of a completion (for malformed responses).
    raw_body: str | None = None
    # When set, the answer waits until the test sets this event.
    hold: asyncio.Event | None = None
    # Close the connection after this many streamed chunks, without `[DONE]`.
    cut_after_chunks: int | None = None
    usage: dict[str, int] | None = field(
        default_factory=lambda: {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
    )
    # Text pieces for streaming; by default the text is split into pieces of 4 characters.
    pieces: list[str] | None = None
    # An error object sent as a stream event (`data: {"error": ...}`) once `cut_after_chunks`
    # chunks went out, in place of closing the connection.
    stream_error: dict[str, Any] | None = None
    # Stream the tool calls without an `id`, as some OpenAI-compatible servers do.
    omit_call_ids: bool = False


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class ModelServer:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[RecordedRequest] = []
        self.models: list[str] = ["scripted-small", "scripted-large"]
        self.models_status = 200
        self.closed_early = 0
        self.request_started = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def reset(self) -> None:
        self.replies.clear()
        self.requests.clear()
        self.models = ["scripted-small", "scripted-large"]
        self.models_status = 200
        self.closed_early = 0
        self.request_started = asyncio.Event()

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self.url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _models(self, request: web.Request) -> web.Response:
        self.requests.append(RecordedRequest(request.path, dict(request.headers), {}))
        if self.models_status != 200:
            return _error(self.models_status, "scripted models failure")
        data = [{"id": name, "object": "model", "created": 0, "owned_by": "tests"} for name in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(RecordedRequest(request.path, dict(request.headers), body))
        self.request_started.set()
        reply = self.replies.pop(0) if self.replies else Reply(text="ok")
        if reply.hold is not None:
            await reply.hold.wait()
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.raw_body is not None:
            return web.Response(text=reply.raw_body, content_type="application/json")
        if reply.status != 200:
            return _error(reply.status, reply.error_message)
        if body.get("stream"):
            return await self._stream(request, body, reply)
        return web.json_response(_completion(body, reply))

    async def _stream(self, request: web.Request, body: dict, reply: Reply) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        chunks = _stream_chunks(body, reply)
        try:
            for index, chunk in enumerate(chunks):
                if reply.cut_after_chunks is not None and index >= reply.cut_after_chunks:
                    if reply.stream_error is not None:
                        await response.write(f"data: {json.dumps({'error': reply.stream_error})}\n\n".encode())
                        await response.write_eof()
                        return response
                    request.transport.close()
                    return response
                await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
                if reply.chunk_delay:
                    await asyncio.sleep(reply.chunk_delay)
            await response.write(b"data: [DONE]\n\n")
            await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            self.closed_early += 1
            raise
        return response


def _error(status: int, message: str) -> web.Response:
    body = {"error": {"message": message, "type": "scripted_error", "code": None}}
    return web.json_response(body, status=status)


def _tool_call_objects(reply: Reply) -> list[dict[str, Any]]:
    return [
        {
            "id": call.get("id") or f"call_{uuid.uuid4().hex[:10]}",
            "type": "function",
            "function": {"name": call["name"], "arguments": call.get("arguments", "{}")},
        }
        for call in reply.tool_calls
    ]


def _completion(body: dict, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = _tool_call_objects(reply)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
            }
        ],
        "usage": reply.usage,
    }


def _chunk(body: dict, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stream",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _stream_chunks(body: dict, reply: Reply) -> list[dict[str, Any]]:
    chunks = [_chunk(body, {"role": "assistant", "content": ""})]
    pieces = reply.pieces if reply.pieces is not None else [
        reply.text[i : i + 4] for i in range(0, len(reply.text), 4)
    ]
    chunks += [_chunk(body, {"content": piece}) for piece in pieces]
    for index, call in enumerate(_tool_call_objects(reply)):
        arguments = call["function"]["arguments"]
        half = len(arguments) // 2
        # The first piece carries id and name, the rest only argument text, as real servers do.
        first = {"index": index, "id": call["id"], "type": "function",
                 "function": {"name": call["function"]["name"], "arguments": arguments[:half]}}
        if reply.omit_call_ids:
            del first["id"]
        chunks.append(_chunk(body, {"tool_calls": [first]}))
        chunks.append(_chunk(body, {"tool_calls": [{"index": index, "function": {"arguments": arguments[half:]}}]}))
    chunks.append(_chunk(body, {}, "tool_calls" if reply.tool_calls else "stop"))
    if reply.usage and body.get("stream_options", {}).get("include_usage"):
        final = _chunk(body, {})
        final["choices"] = []
        final["usage"] = reply.usage
        chunks.append(final)
    return chunks
