"""One MCP server connection, owned by one long-lived task.

The SDK's transports and `mcp.Client` are async context managers built on anyio task groups, which
must be entered and exited by the same task. So each connection runs `_run` in its own task: it
enters the client, lists the tools, marks itself ready and waits until `stop` or a reconnect wakes
it. Tool calls come from other tasks (the agent's) and only send requests on the open
session, which anyio allows.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import IO, Any

import anyio
import httpx2
import mcp_types
from mcp import Client, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

from ruri.agent.tools import ToolFailed
from ruri.mcp.models import McpServerConfig
from ruri.mcp.stderr import StderrLines, captured_stderr

logger = logging.getLogger(__name__)

# Seconds `stop` waits for the task to close the session before it cancels the task. The stdio
# shutdown of mcp 2.3.0 alone may take 6 seconds for a server that ignores the end of its input
# (2 s after closing stdin, 2 s after SIGTERM, 2 s after SIGKILL).
STOP_TIMEOUT_SECONDS = 15.0
# Seconds a periodic tool listing may take before the session counts as dead.
CHECK_TIMEOUT_SECONDS = 10.0
# Maximum wait, in seconds, between attempts to connect a failing server.
MAX_RETRY_DELAY_SECONDS = 600.0
# Guard against a server that pages its tool list forever.
MAX_TOOL_PAGES = 100

# Errors that mean the session is gone, as opposed to an error the live server returned.
_DROPPED_ERRORS = (
    OSError,
    EOFError,
    anyio.ClosedResourceError,
    anyio.BrokenResourceError,
    anyio.EndOfStream,
    httpx2.TransportError,
)


def describe_error(exc: BaseException) -> str:
    """Return a one-line message for an error, looking inside anyio's exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def is_dropped_session(exc: BaseException) -> bool:
    """Tell whether a failed request means the session ended, so a reconnect may help."""
    if isinstance(exc, MCPError):
        # A streamable HTTP server returns 404 for a session it no longer has.
        return exc.code == mcp_types.CONNECTION_CLOSED or exc.message == "Session terminated"
    return isinstance(exc, _DROPPED_ERRORS)


@asynccontextmanager
async def _streamable_http(url: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    # `streamable_http_client` takes headers only through an HTTP client that the caller closes.
    async with create_mcp_http_client(headers=headers or None) as http_client:
        async with streamable_http_client(url, http_client=http_client) as streams:
            yield streams


def open_transport(config: McpServerConfig, errlog: IO[str] | None = None) -> Any:
    """Return the SDK transport (an async context manager) for a server's settings."""
    if config.transport == "stdio":
        parameters = StdioServerParameters(
            command=config.command or "", args=list(config.args), env=config.env or None
        )
        return stdio_client(parameters, errlog=errlog)
    if config.transport == "sse":
        return sse_client(config.url or "", headers=config.headers or None)
    return _streamable_http(config.url or "", config.headers)


class McpConnection:
    def __init__(
        self,
        config: McpServerConfig,
        *,
        connect_timeout: float,
        call_timeout: float,
        check_interval: float,
        on_change: Callable[[], Awaitable[None]],
    ) -> None:
        self.config = config
        self.state = "connecting"
        self.error: str | None = None
        self.tools: list[mcp_types.Tool] = []
        self._connect_timeout = connect_timeout
        self._call_timeout = call_timeout
        self._check_interval = check_interval
        self._on_change = on_change
        self._client: Client | None = None
        self._stderr: StderrLines | None = None
        # Grows by one per ready session, so concurrent callers reconnect only once per drop.
        self.generation = 0
        # Failed connection attempts since the last ready session; they set the retry delay.
        self._failures = 0
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()
        self._stopping = False
        self._restart_requested = False
        self._closing = False
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"mcp-server-{self.config.name}")

    async def stop(self) -> None:
        """Close the session and end the task; the server process (stdio) ends with it."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("MCP server %s did not close in %ss; cancelling its task",
                           self.config.name, STOP_TIMEOUT_SECONDS)
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def wait_settled(self, timeout: float) -> None:
        """Wait until the current connection attempt ends in `ready` or `error`."""
        await asyncio.wait_for(self._settled.wait(), timeout)

    async def call_tool(self, tool_name: str, arguments: dict[str, Any]) -> mcp_types.CallToolResult:
        """Call a tool; when the session turns out to be gone, reconnect once and call again."""
        client, generation = self._ready_client()
        try:
            return await client.call_tool(tool_name, arguments, read_timeout_seconds=self._call_timeout)
        except Exception as exc:
            if not is_dropped_session(exc):
                raise
            logger.warning("MCP server %s dropped the session (%s); reconnecting once",
                           self.config.name, describe_error(exc))
        await self._reconnect(generation)
        client, _ = self._ready_client()
        return await client.call_tool(tool_name, arguments, read_timeout_seconds=self._call_timeout)

    def _ready_client(self) -> tuple[Client, int]:
        if self.state != "ready" or self._client is None:
            detail = f": {self.error}" if self.error else ""
            raise ToolFailed(f"MCP server '{self.config.name}' is not connected ({self.state}{detail})")
        return self._client, self.generation

    async def _reconnect(self, generation: int) -> None:
        if generation == self.generation and not self._restart_requested:
            self._restart_requested = True
            self._settled.clear()
            self._wake.set()
        try:
            await self.wait_settled(self._connect_timeout + STOP_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            raise ToolFailed(f"MCP server '{self.config.name}' did not reconnect in time") from None

    async def _run(self) -> None:
        while not self._stopping:
            self._restart_requested = False
            self._closing = False
            self._wake.clear()
            await self._set_state("connecting")
            try:
                await self._serve_session()
            except Exception as exc:
                if self._closing or self._stopping:
                    logger.debug("MCP server %s: error while closing: %s",
                                 self.config.name, describe_error(exc))
                    continue
                await self._fail(exc)
                await self._wait_before_retry()
        self._client = None
        logger.info("MCP server %s stopped", self.config.name)

    async def _serve_session(self) -> None:
        name = self.config.name
        async with AsyncExitStack() as stack:
            errlog = None
            if self.config.transport == "stdio":
                errlog, self._stderr = await stack.enter_async_context(captured_stderr(name))
            await self._serve_client(open_transport(self.config, errlog))

    async def _serve_client(self, transport: Any) -> None:
        name = self.config.name
        with anyio.CancelScope(deadline=anyio.current_time() + self._connect_timeout) as scope:
            async with Client(transport, cache=None) as client:
                tools = await _list_tools(client)
                # Connected: from here on the session lives until stop or reconnect.
                scope.deadline = math.inf
                self._client = client
                self.generation += 1
                self._failures = 0
                self.tools = tools
                logger.info("MCP server %s ready with %d tools", name, len(tools))
                await self._set_state("ready")
                await self._watch(client)
                self._closing = True
                self._client = None
        if scope.cancelled_caught:
            raise TimeoutError(f"connecting timed out after {self._connect_timeout:g} seconds")

    async def _watch(self, client: Client) -> None:
        """Wait for stop or reconnect, listing the tools now and then to notice a dead session.

        The check is a tool listing because `ping` is gone from protocol 2026-07-28 (mcp 2.3.0
        warns so and only sends it in legacy mode). The listing also picks up changed tools.
        """
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self._check_interval)
                return
            except asyncio.TimeoutError:
                pass
            try:
                with anyio.fail_after(CHECK_TIMEOUT_SECONDS):
                    tools = await _list_tools(client)
            except Exception as exc:
                if not (is_dropped_session(exc) or isinstance(exc, TimeoutError)):
                    logger.warning("MCP server %s: listing its tools failed: %s",
                                   self.config.name, describe_error(exc))
                    continue
                logger.warning("MCP server %s dropped the session (%s); reconnecting",
                               self.config.name, describe_error(exc))
                self._restart_requested = True
                self._settled.clear()
                return
            if tools != self.tools:
                logger.info("MCP server %s now offers %d tools", self.config.name, len(tools))
                self.tools = tools
                await self._set_state("ready")

    async def _fail(self, exc: BaseException) -> None:
        self._client = None
        self.tools = []
        message = describe_error(exc)
        if self._stderr is not None and self._stderr.last_lines:
            message = f"{message} (stderr: {self._stderr.summary()})"
        logger.warning("MCP server %s failed: %s", self.config.name, message)
        await self._set_state("error", message)

    async def _wait_before_retry(self) -> None:
        """Wait for stop, reconnect or the retry delay, which doubles with each failure in a row."""
        self._failures += 1
        # The exponent is capped so that days of failures cannot overflow the float.
        doublings = min(self._failures - 1, 30)
        delay = min(self._check_interval * 2**doublings, MAX_RETRY_DELAY_SECONDS)
        logger.info("MCP server %s: next connection attempt in %gs", self.config.name, delay)
        try:
            await asyncio.wait_for(self._wake.wait(), delay)
        except asyncio.TimeoutError:
            pass

    async def _set_state(self, state: str, error: str | None = None) -> None:
        self.state = state
        self.error = error
        if state == "connecting":
            self._settled.clear()
        else:
            self._settled.set()
        try:
            await self._on_change()
        except Exception:
            logger.exception("Notifying a state change of MCP server %s failed", self.config.name)


async def _list_tools(client: Client) -> list[mcp_types.Tool]:
    tools: list[mcp_types.Tool] = []
    cursor: str | None = None
    for _ in range(MAX_TOOL_PAGES):
        result = await client.list_tools(cursor=cursor)
        tools.extend(result.tools)
        cursor = result.next_cursor
        if not cursor:
            break
    return tools
