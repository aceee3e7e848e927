"""Live MCP connections: status, tools in the registry, calls, failures and reconnects."""

from __future__ import annotations

import asyncio
import os
import signal
import socket

import pytest

from ruri.agent.tools import ToolContext, ToolFailed
from tests.mcp.conftest import (
    CONNECT_TIMEOUT,
    SETTLE_TIMEOUT,
    create,
    http_body,
    serve_on_loopback,
    settled,
    stdio_body,
)
from tests.agent.helpers import GraphQLSocket
from tests.mcp.servers import echo_server
from tests.support.server import RuriServer

SERVERS = "/api/mcp/servers"


async def run_tool(server, name: str, arguments: dict) -> str:
    tool = await server.services.tools.find(name)
    assert tool is not None, f"tool {name} is not offered"
    return await tool.run(arguments, ToolContext(conversation_id="mcp-test"))


async def tools_by_name(client) -> dict[str, dict]:
    answer = await client.get("/api/tools")
    assert answer.status == 200, answer.text
    return {item["name"]: item for item in answer.json}


async def test_stdio_server_becomes_ready(client, server):
    created = await create(client, stdio_body())
    data = await settled(server, created["id"])
    assert data.status.state == "ready", data.status.error
    assert "echo__echo" in data.tools


async def test_stdio_tools_listed_in_api_tools(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    tools = await tools_by_name(client)
    assert tools["echo__echo"]["source"] == "mcp:echo"
    assert tools["echo__echo"]["parameters"]["required"] == ["text"]
    assert tools["echo__echo"]["description"] == "Return the text unchanged."


async def test_get_shows_ready_status(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    answer = await client.get(f"{SERVERS}/{created['id']}")
    assert answer.json["status"] == {"state": "ready", "error": None}
    assert "echo__read_env" in answer.json["tools"]


async def test_stdio_tool_call_returns_text(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    assert await run_tool(server, "echo__echo", {"text": "hello"}) == "hello"


async def test_stdio_env_reaches_server(client, server):
    created = await create(client, stdio_body(env={"ECHO_TOKEN": "tok-42"}))
    await settled(server, created["id"])
    assert await run_tool(server, "echo__read_env", {"name": "ECHO_TOKEN"}) == "tok-42"


async def test_tool_error_raises_tool_failed(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    with pytest.raises(ToolFailed, match="no such record"):
        await run_tool(server, "echo__fail", {"reason": "no such record"})


async def test_http_server_becomes_ready(client, server, http_mcp_url):
    created = await create(client, http_body(http_mcp_url))
    data = await settled(server, created["id"])
    assert data.status.state == "ready", data.status.error
    tools = await tools_by_name(client)
    assert tools["remote__echo"]["source"] == "mcp:remote"


async def test_http_headers_reach_server(client, server, http_mcp_url):
    created = await create(client, http_body(http_mcp_url, headers={"X-Api-Key": "key-7"}))
    await settled(server, created["id"])
    assert await run_tool(server, "remote__read_header", {"name": "x-api-key"}) == "key-7"


async def test_sse_server_becomes_ready(client, server, sse_mcp_url):
    created = await create(client, http_body(sse_mcp_url, transport="sse",
                                             headers={"X-Api-Key": "sse-key"}))
    data = await settled(server, created["id"])
    assert data.status.state == "ready", data.status.error
    assert await run_tool(server, "remote__read_header", {"name": "x-api-key"}) == "sse-key"


async def test_bad_command_gives_error(client, server):
    good = await create(client, stdio_body("good"))
    bad = await create(client, stdio_body("bad", command="/nonexistent/mcp-server-binary"))
    bad_data = await settled(server, bad["id"])
    good_data = await settled(server, good["id"])
    assert bad_data.status.state == "error"
    assert "nonexistent" in bad_data.status.error
    assert good_data.status.state == "ready"


async def test_crashing_server_error_shows_stderr(client, server):
    crashing = stdio_body("crashing", args=["-c", "import sys; sys.exit('missing API key')"])
    created = await create(client, crashing)
    data = await settled(server, created["id"])
    assert data.status.state == "error"
    assert "missing API key" in data.status.error


async def test_bad_command_keeps_other_tools(client, server):
    good = await create(client, stdio_body("good"))
    bad = await create(client, stdio_body("bad", command="/nonexistent/mcp-server-binary"))
    await settled(server, bad["id"])
    await settled(server, good["id"])
    tools = await tools_by_name(client)
    assert "good__echo" in tools
    assert not [name for name in tools if name.startswith("bad__")]


async def test_unreachable_url_gives_error(client, server):
    # Port 9 (discard) on loopback has no listener here, so the connection is refused.
    created = await create(client, http_body("http://127.0.0.1:9/mcp"))
    data = await settled(server, created["id"])
    assert data.status.state == "error"
    assert data.status.error


async def test_disable_removes_tools(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    answer = await client.post(f"{SERVERS}/{created['id']}/disable")
    assert answer.json["status"] == {"state": "disabled", "error": None}
    assert answer.json["tools"] == []
    assert "echo__echo" not in await tools_by_name(client)


async def test_enable_reconnects(client, server):
    created = await create(client, stdio_body(enabled=False))
    answer = await client.post(f"{SERVERS}/{created['id']}/enable")
    assert answer.status == 200
    assert answer.json["enabled"] is True
    data = await settled(server, created["id"])
    assert data.status.state == "ready"


async def test_delete_removes_tools(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    await client.delete(f"{SERVERS}/{created['id']}")
    assert "echo__echo" not in await tools_by_name(client)


async def test_update_renames_tools(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    await client.put(f"{SERVERS}/{created['id']}", {"name": "renamed"})
    data = await settled(server, created["id"])
    assert "renamed__echo" in data.tools
    assert "echo__echo" not in await tools_by_name(client)


async def test_killed_stdio_server_reconnects(client, server):
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    first_pid = int(await run_tool(server, "echo__process_id", {}))
    os.kill(first_pid, signal.SIGKILL)
    assert await run_tool(server, "echo__echo", {"text": "again"}) == "again"
    second_pid = int(await run_tool(server, "echo__process_id", {}))
    assert second_pid != first_pid


async def test_dead_server_noticed_without_call(make_server, make_client):
    server = await make_server(mcp_connect_timeout_seconds=CONNECT_TIMEOUT,
                               mcp_check_interval_seconds=0.2)
    client = make_client(server.url)
    await client.login()
    created = await create(client, stdio_body())
    await settled(server, created["id"])
    connection = server.services.mcp.connections.get(created["id"])
    first_pid = int(await run_tool(server, "echo__process_id", {}))
    os.kill(first_pid, signal.SIGKILL)
    # No event marks the reconnect, so poll the session count the periodic check raises.
    async with asyncio.timeout(SETTLE_TIMEOUT):
        while connection.generation < 2 or connection.state != "ready":
            await asyncio.sleep(0.05)
    second_pid = int(await run_tool(server, "echo__process_id", {}))
    assert second_pid != first_pid
    assert connection.generation == 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_failed_server_retried_later(make_server, make_client):
    server = await make_server(mcp_connect_timeout_seconds=CONNECT_TIMEOUT,
                               mcp_check_interval_seconds=0.2)
    client = make_client(server.url)
    await client.login()
    port = free_port()
    created = await create(client, http_body(f"http://127.0.0.1:{port}/mcp"))
    data = await settled(server, created["id"])
    assert data.status.state == "error"
    connection = server.services.mcp.connections.get(created["id"])
    async with serve_on_loopback(echo_server.http_app(), port):
        # No event marks the retry, so poll the state the retry sets.
        async with asyncio.timeout(SETTLE_TIMEOUT):
            while connection.state != "ready":
                await asyncio.sleep(0.05)
        assert await run_tool(server, "remote__echo", {"text": "late"}) == "late"


async def test_restart_connects_enabled_servers(make_server, make_client):
    first = await make_server()
    client = make_client(first.url)
    await client.login()
    created = await create(client, stdio_body())
    await settled(first, created["id"])
    await first.stop()
    second = await RuriServer(first.settings.data_dir).start()
    try:
        data = await settled(second, created["id"])
    finally:
        await second.stop()
    assert data.status.state == "ready"


async def test_silent_server_times_out(make_server, make_client):
    server = await make_server(mcp_connect_timeout_seconds=2)
    client = make_client(server.url)
    await client.login()
    # A process that never answers the MCP handshake.
    silent = stdio_body("silent", args=["-c", "import time; time.sleep(120)"])
    created = await create(client, silent)
    data = await settled(server, created["id"])
    assert data.status.state == "error"
    assert "timed out after 2 seconds" in data.status.error


async def test_status_subscription_counts_mcp_tools(client, server):
    async with GraphQLSocket(client) as socket:
        await socket.subscribe("subscription { agentStatus { toolsCount } }", {})
        first = (await socket.next())["payload"]["data"]["agentStatus"]["toolsCount"]
        await create(client, stdio_body())
        counts = [first]
        # The server pushes on each state change (connecting, then ready), so read until ready.
        while counts[-1] == first:
            message = await socket.next(timeout=SETTLE_TIMEOUT)
            counts.append(message["payload"]["data"]["agentStatus"]["toolsCount"])
    assert counts[-1] == first + len(await echo_server.server.list_tools())
