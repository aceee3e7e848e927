"""A small MCP server for the tests, built with the MCP SDK's `MCPServer`.

Run as a script, it speaks MCP over stdio. `http_app()` and `sse_app()` return the same server as
a streamable HTTP or an HTTP+SSE (Starlette) app, which the tests serve on 127.0.0.1.
"""

from __future__ import annotations

import os

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer("echo")


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
def fail(reason: str) -> str:
    """Fail with the given reason."""
    raise ToolError(reason)


@server.tool()
def process_id() -> str:
    """Return the server's process id."""
    return str(os.getpid())


@server.tool()
def read_env(name: str) -> str:
    """Return the value of an environment variable of the server process ("" when unset)."""
    return os.environ.get(name, "")


@server.tool()
async def read_header(name: str, ctx: Context) -> str:
    """Return the value of a header of the HTTP request that carried this call ("" over stdio)."""
    request = ctx.request_context.request
    if request is None:
        return ""
    return request.headers.get(name, "")


def http_app():
    return server.streamable_http_app()


def sse_app():
    return server.sse_app()


if __name__ == "__main__":
    server.run()
