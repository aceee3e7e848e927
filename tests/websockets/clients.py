"""WebSocket clients for the tests: raw aiohttp sockets on `/api/ws/logs` and `gql` on `/graphql`."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
from gql import Client as GqlClient
from gql.transport.websockets import WebsocketsTransport

TRANSPORT_WS = WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL  # "graphql-transport-ws"
LEGACY_WS = WebsocketsTransport.APOLLO_SUBPROTOCOL  # "graphql-ws"
PROTOCOLS = [TRANSPORT_WS, LEGACY_WS]

LOGS_SUBSCRIPTION = """
subscription Follow($level: String, $since: Int) {
  logs(level: $level, since: $since) { id level message timestamp logger requestId dropped }
}
"""

test_logger = logging.getLogger("tests.logs")


def ws_url(base_url: str, path: str) -> str:
    return base_url.replace("http://", "ws://", 1) + path


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def marker(prefix: str = "marker") -> str:
    """Return a unique text to log and then look for in a stream."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def open_logs_socket(
    session: aiohttp.ClientSession, base_url: str, token: str | None, **params: Any
) -> aiohttp.ClientWebSocketResponse:
    headers = bearer(token) if token else {}
    query = {key: str(value) for key, value in params.items()}
    return await session.ws_connect(
        ws_url(base_url, "/api/ws/logs"),
        headers=headers,
        params=query,
        timeout=aiohttp.ClientWSTimeout(ws_close=5),
    )


async def read_frame(
    socket: aiohttp.ClientWebSocketResponse, timeout: float = 10
) -> dict[str, Any]:
    message = await asyncio.wait_for(socket.receive(), timeout)
    assert message.type == aiohttp.WSMsgType.TEXT, f"expected a text frame, got {message.type}"
    return json.loads(message.data)


async def read_until(
    socket: aiohttp.ClientWebSocketResponse,
    predicate: Callable[[dict[str, Any]], bool],
    timeout: float = 10,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read frames until one matches; return it and every frame read before it."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while True:
            frame = await read_frame(socket, timeout)
            if predicate(frame):
                return frame, seen
            seen.append(frame)


def gql_transport(
    base_url: str,
    protocol: str,
    *,
    token: str | None = None,
    init_token: str | None = None,
    headers: dict[str, str] | None = None,
) -> WebsocketsTransport:
    all_headers = dict(headers or {})
    if token:
        all_headers.update(bearer(token))
    return WebsocketsTransport(
        url=ws_url(base_url, "/graphql"),
        subprotocols=[protocol],
        headers=all_headers,
        init_payload={"token": init_token} if init_token else {},
        connect_timeout=5,
        close_timeout=5,
        ack_timeout=5,
    )


def gql_client(transport: WebsocketsTransport) -> GqlClient:
    return GqlClient(transport=transport, fetch_schema_from_transport=False)
