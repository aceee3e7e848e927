"""Fixtures for MCP tests: the echo server over stdio and over streamable HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from ruri.mcp.models import McpServerData
from tests.mcp.servers import echo_server
from tests.support.server import Client, RuriServer

ECHO_SERVER = Path(echo_server.__file__)
# Starting the Python test server took about 1 second on an idle machine and 6 under load.
# The tests allow far more, so a busy machine does not turn into failed connections.
CONNECT_TIMEOUT = 60.0
SETTLE_TIMEOUT = CONNECT_TIMEOUT + 30.0


def stdio_body(name: str = "echo", **fields: Any) -> dict[str, Any]:
    return {"name": name, "transport": "stdio", "command": sys.executable,
            "args": [str(ECHO_SERVER)], **fields}


def http_body(url: str, name: str = "remote", **fields: Any) -> dict[str, Any]:
    return {"name": name, "transport": "streamable_http", "url": url, **fields}


async def settled(server: RuriServer, server_id: str) -> McpServerData:
    """Wait for a server's connection attempt to end in `ready` or `error`."""
    return await server.services.mcp.wait_settled(server_id, SETTLE_TIMEOUT)


async def create(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    answer = await client.post("/api/mcp/servers", body)
    assert answer.status == 201, answer.text
    return answer.json


@pytest.fixture
async def server(make_server) -> RuriServer:
    return await make_server(mcp_connect_timeout_seconds=CONNECT_TIMEOUT)


@asynccontextmanager
async def serve_on_loopback(app, port: int = 0) -> AsyncIterator[int]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (a free port by default); yield the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="mcp-test-http-server")
    try:
        # uvicorn offers no event for "listening", so poll its flag.
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def http_mcp_url():
    """The echo server over streamable HTTP."""
    async with serve_on_loopback(echo_server.http_app()) as port:
        yield f"http://127.0.0.1:{port}/mcp"


@pytest.fixture
async def sse_mcp_url():
    """The echo server over the older HTTP+SSE transport."""
    async with serve_on_loopback(echo_server.sse_app()) as port:
        yield f"http://127.0.0.1:{port}/sse"
