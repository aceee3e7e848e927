"""bash: run a shell command in the workspace, with a timeout and an output cap.

The tool exists only when the administrator sets `bash_tool_enabled`, because the command runs
with the server's own permissions: the workspace is its working folder, not a sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal

from pydantic import BaseModel, ConfigDict, Field

from ruri.agent.builtin.base import BuiltinTool
from ruri.agent.builtin.workspace import Workspace
from ruri.agent.tools import ToolContext, ToolFailed

logger = logging.getLogger(__name__)

DEFAULT_COMMAND_SECONDS = 60.0
# How long output is still read after the command's process group is killed.
DRAIN_GRACE_SECONDS = 1.0
READ_CHUNK_BYTES = 65536


class BashArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command: str = Field(min_length=1, max_length=100_000, description="The bash command line.")
    timeout_seconds: float = Field(
        default=DEFAULT_COMMAND_SECONDS,
        gt=0,
        le=3600,
        description="Stop the command after this many seconds (the server may set a lower cap).",
    )


class OutputBuffer:
    """Keeps the first and last half of `max_bytes` of output and counts the bytes in between."""

    def __init__(self, max_bytes: int) -> None:
        self._half = max(max_bytes // 2, 1)
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self._half - len(self._head)
        if room > 0:
            self._head += chunk[:room]
            chunk = chunk[room:]
        self._tail += chunk
        if len(self._tail) > self._half:
            del self._tail[: len(self._tail) - self._half]

    async def drain(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(READ_CHUNK_BYTES):
            self.add(chunk)

    def text(self) -> str:
        head = self._head.decode("utf-8", errors="replace")
        tail = self._tail.decode("utf-8", errors="replace")
        dropped = self.total - len(self._head) - len(self._tail)
        if dropped <= 0:
            return head + tail
        return f"{head}\n[... {dropped} bytes of output left out ...]\n{tail}"


class BashTool(BuiltinTool):
    name = "bash"
    description = (
        "Run a command with bash in the workspace folder and return its exit code and combined "
        "stdout and stderr. Long output keeps its beginning and end. The command and everything "
        "it started are killed at the timeout; background processes are stopped when it ends."
    )
    Arguments = BashArguments

    def __init__(self, workspace: Workspace, max_seconds: float, max_output_chars: int) -> None:
        super().__init__()
        self._workspace = workspace
        self._max_seconds = max_seconds
        self._max_output_bytes = max_output_chars

    async def execute(self, arguments: BashArguments, context: ToolContext) -> str:
        timeout = min(arguments.timeout_seconds, self._max_seconds)
        # Our own pipe rather than asyncio's: `Process.wait()` also waits until its pipes close
        # (CPython 3.11), so a background child holding stdout would delay it to the timeout.
        read_end, write_end = os.pipe()
        try:
            process = await self._start(arguments.command, write_end)
        except BaseException:
            os.close(read_end)
            raise
        finally:
            # The children hold their own copies; ours would keep the pipe open forever.
            os.close(write_end)
        try:
            stream, transport = await _open_reader(read_end)
        except BaseException:
            _kill_group(process.pid)
            raise
        output = OutputBuffer(self._max_output_bytes)
        reader = asyncio.create_task(output.drain(stream), name=f"bash-output-{process.pid}")
        try:
            code = await self._wait(process, reader, output, timeout, context)
        finally:
            transport.close()
        return f"Exit code: {code}\n{output.text() or '(no output)'}"

    async def _wait(
        self,
        process: asyncio.subprocess.Process,
        reader: asyncio.Task,
        output: OutputBuffer,
        timeout: float,
        context: ToolContext,
    ) -> int:
        """Wait for the shell, then kill its process group so no background process lingers."""
        try:
            code = await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            _kill_group(process.pid)
            await process.wait()
            await _finish_reading(reader)
            logger.info("bash command in conversation %s timed out", context.conversation_id)
            raise ToolFailed(
                f"The command timed out after {timeout:g} s and was killed with every process it "
                f"started. Output so far:\n{output.text()}"
            ) from None
        except asyncio.CancelledError:
            _kill_group(process.pid)
            reader.cancel()
            raise
        _kill_group(process.pid)
        await _finish_reading(reader)
        return code

    async def _start(self, command: str, output_fd: int) -> asyncio.subprocess.Process:
        cwd = self._workspace.root
        try:
            return await asyncio.create_subprocess_exec(
                "bash",
                "-c",
                command,
                cwd=cwd,
                env=_command_environment(str(cwd)),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output_fd,
                stderr=output_fd,
                # A new session makes the shell a process group leader, so one signal reaches
                # every process the command starts.
                start_new_session=True,
            )
        except OSError as exc:
            logger.warning("Starting bash failed: %s", exc)
            raise ToolFailed(f"Could not start bash: {exc.strerror or exc}.") from exc


async def _open_reader(fd: int) -> tuple[asyncio.StreamReader, asyncio.BaseTransport]:
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(stream), os.fdopen(fd, "rb", buffering=0)
    )
    return stream, transport


def _command_environment(home: str) -> dict[str, str]:
    # Only what a shell needs: the server's environment may carry database URLs or tokens.
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "TERM": "dumb",
    }


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


async def _finish_reading(reader: asyncio.Task) -> None:
    """Read the output left in the pipe, giving up on a process that left the group and keeps
    the pipe open (one started with `setsid`, which the group signal does not reach)."""
    done, _ = await asyncio.wait({reader}, timeout=DRAIN_GRACE_SECONDS)
    if done:
        return
    logger.warning(
        "A process outside the command's group keeps its output pipe open; stopped reading"
    )
    reader.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reader
