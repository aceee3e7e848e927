"""Capture the stderr of a stdio MCP server into the log, keeping its last lines for errors.

A server that fails to start usually writes the reason to stderr ("module not found", "missing API
key"), while the MCP session only sees its output end. So the last lines go into the server's
`error`.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO

logger = logging.getLogger(__name__)

MAX_KEPT_LINES = 5
MAX_LINE_CHARS = 500
# Seconds to wait for the last output after the session ends (a child may still hold the pipe).
DRAIN_TIMEOUT_SECONDS = 1.0


class StderrLines(asyncio.Protocol):
    """Log each stderr line of one server at INFO and keep the last few."""

    def __init__(self, server_name: str) -> None:
        self.server_name = server_name
        self.last_lines: collections.deque[str] = collections.deque(maxlen=MAX_KEPT_LINES)
        self.closed = asyncio.Event()
        self._partial = ""

    def data_received(self, data: bytes) -> None:
        lines = (self._partial + data.decode("utf-8", errors="replace")).split("\n")
        self._partial = lines.pop()
        for line in lines:
            self._add(line)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._partial:
            self._add(self._partial)
            self._partial = ""
        self.closed.set()

    def _add(self, line: str) -> None:
        line = line.rstrip()[:MAX_LINE_CHARS]
        if line:
            self.last_lines.append(line)
            logger.info("MCP server %s stderr: %s", self.server_name, line)

    def summary(self) -> str:
        return " | ".join(self.last_lines)


@asynccontextmanager
async def captured_stderr(server_name: str) -> AsyncIterator[tuple[IO[str], StderrLines]]:
    """Yield a file to pass as the server's stderr, and the protocol that reads the other end."""
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "rb", buffering=0)
    writer = os.fdopen(write_fd, "w")
    lines = StderrLines(server_name)
    try:
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(lambda: lines, reader)
    except BaseException:
        reader.close()
        writer.close()
        raise
    try:
        yield writer, lines
    finally:
        # Our copy of the write end must close, or the reader never sees the end of the output.
        writer.close()
        try:
            await asyncio.wait_for(lines.closed.wait(), DRAIN_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            logger.debug("MCP server %s: stderr still open after the session ended", server_name)
        transport.close()
