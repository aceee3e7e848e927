"""Helpers for agent and chat tests: test-only tools and a `graphql-transport-ws` client."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from ruri.agent.tools import Tool, ToolContext, ToolFailed, ToolSpec
from tests.support.server import Client

OBJECT = {"type": "object", "properties": {}, "additionalProperties": False}


class EchoTool(Tool):
    spec = ToolSpec(
        name="echo",
        description="Return the text it is given.",
        parameters={
            "type": "object",
            "properties": {"text": {"type": "string"}},
            "required": ["text"],
            "additionalProperties": False,
        },
        source="test",
    )

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        self.calls.append(arguments)
        return f"echo: {arguments['text']}"


class FailTool(Tool):
    spec = ToolSpec(name="fail", description="Always fails.", parameters=OBJECT, source="test")

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        raise ToolFailed("the disk is on fire")


class CrashTool(Tool):
    spec = ToolSpec(name="crash", description="Raises a bug.", parameters=OBJECT, source="test")

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        raise ZeroDivisionError("division by zero")


class MeetTool(Tool):
    """Finishes only when `expected` calls are running at the same time."""

    spec = ToolSpec(
        name="meet",
        description="Wait for the other calls.",
        parameters={"type": "object", "properties": {"who": {"type": "string"}}},
        source="test",
    )

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.arrived = 0
        self.all_here = asyncio.Event()

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        self.arrived += 1
        if self.arrived >= self.expected:
            self.all_here.set()
        await self.all_here.wait()
        return f"met {arguments.get('who')}"


class HoldTool(Tool):
    """Runs until the test releases it; `started` is set when a call begins."""

    spec = ToolSpec(name="hold", description="Wait.", parameters=OBJECT, source="test")

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        self.started.set()
        await self.release.wait()
        return "released"


class BigTool(Tool):
    spec = ToolSpec(name="big", description="Return a long text.", parameters=OBJECT, source="test")

    def __init__(self, size: int) -> None:
        self.size = size

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        return "x" * self.size


class TestTools:
    """A tool source holding the tools a test adds."""

    name = "test"

    def __init__(self, *tools: Tool) -> None:
        self._tools = list(tools)

    async def tools(self) -> list[Tool]:
        return list(self._tools)


def add_tools(server, *tools: Tool) -> None:
    server.services.tools.add_source(TestTools(*tools))


def call(name: str, arguments: Any = None, call_id: str | None = None) -> dict[str, Any]:
    """Build one scripted tool call; `arguments` is JSON-encoded unless it is already text."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments or {})
    entry = {"name": name, "arguments": text}
    if call_id:
        entry["id"] = call_id
    return entry


async def messages(client: Client, conversation_id: str) -> list[dict[str, Any]]:
    answer = await client.get(f"/api/conversations/{conversation_id}/messages")
    assert answer.status == 200, answer.text
    return answer.json


def sent_roles(body: dict[str, Any]) -> list[str]:
    return [message["role"] for message in body["messages"]]


CHAT_SUBSCRIPTION = """
subscription Chat($input: ChatInput!) {
  chat(input: $input) { ...EventFields }
}
"""

CHAT_RUN_SUBSCRIPTION = """
subscription ChatRun($conversationId: ID!) {
  chatRun(conversationId: $conversationId) { ...EventFields }
}
"""

EVENT_FIELDS = """
fragment EventFields on ChatEvent {
  kind conversationId text toolCallId toolName arguments isError
  message { id role content status toolCalls toolCallId }
  usage { promptTokens completionTokens }
  error { code message upstreamStatus }
}
"""


class GraphQLSocket:
    """A raw `graphql-transport-ws` client, so tests control exactly when the socket closes."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 0

    async def __aenter__(self) -> GraphQLSocket:
        url = self._client.base_url.replace("http://", "ws://") + "/graphql"
        self.ws = await self._client.session.ws_connect(url, protocols=["graphql-transport-ws"])
        await self.ws.send_json({"type": "connection_init", "payload": {"token": self._client.token}})
        ack = await self._receive()
        assert ack["type"] == "connection_ack", ack
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()

    async def subscribe(self, query: str, variables: dict[str, Any]) -> str:
        self._next_id += 1
        operation_id = str(self._next_id)
        payload = {"query": query + EVENT_FIELDS if "EventFields" in query else query,
                   "variables": variables}
        await self.ws.send_json({"id": operation_id, "type": "subscribe", "payload": payload})
        return operation_id

    async def next(self, timeout: float = 10.0) -> dict[str, Any]:
        """Return the next `next`, `error` or `complete` message."""
        while True:
            message = await asyncio.wait_for(self._receive(), timeout)
            if message["type"] == "ping":
                await self.ws.send_json({"type": "pong"})
                continue
            if message["type"] in ("next", "error", "complete"):
                return message

    async def events(self, until_kind: str | None = None) -> list[dict[str, Any]]:
        """Collect `chat` events until the operation completes (or an event of `until_kind`)."""
        events: list[dict[str, Any]] = []
        while True:
            message = await self.next()
            if message["type"] == "complete":
                return events
            assert message["type"] == "next", message
            assert not message["payload"].get("errors"), message
            data = message["payload"]["data"]
            event = next(iter(data.values()))
            events.append(event)
            if until_kind is not None and event["kind"] == until_kind:
                return events

    async def _receive(self) -> dict[str, Any]:
        message = await self.ws.receive()
        assert message.type == aiohttp.WSMsgType.TEXT, message
        return json.loads(message.data)


async def wait_until(condition, timeout: float = 10.0) -> None:
    """Poll a condition the product offers no event for (such as a counter in the model server)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
