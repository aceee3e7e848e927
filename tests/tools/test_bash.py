"""The bash tool: off by default; runs in the workspace; timeout kills the whole group; output cap."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from ruri.agent.tools import ToolFailed
from tests.tools.support import call_tool, workspace_of


@pytest.fixture
async def bash_server(make_server):
    return await make_server(bash_tool_enabled=True, tool_output_max_chars=200)


def _process_gone(pid: int) -> bool:
    """Tell whether `pid` has ended: no /proc entry, or a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


async def _wait_until_gone(pid: int, seconds: float = 5.0) -> bool:
    # SIGKILL is delivered asynchronously; poll /proc briefly instead of sleeping a fixed time.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _process_gone(pid):
            return True
        await asyncio.sleep(0.02)
    return _process_gone(pid)


async def test_bash_absent_by_default(server):
    assert await server.services.tools.find("bash") is None


async def test_bash_runs_in_workspace(bash_server):
    (workspace_of(bash_server) / "hello.txt").write_text("hi")
    result = await call_tool(bash_server, "bash", {"command": "pwd; cat hello.txt"})
    lines = result.splitlines()
    assert lines[0] == "Exit code: 0"
    assert Path(lines[1]).resolve() == workspace_of(bash_server).resolve()
    assert lines[2] == "hi"


async def test_bash_reports_exit_code_and_stderr(bash_server):
    result = await call_tool(bash_server, "bash", {"command": "echo oops >&2; exit 3"})
    assert result == "Exit code: 3\noops\n"


async def test_bash_hides_server_environment(bash_server, monkeypatch):
    monkeypatch.setenv("RURI_TEST_SECRET", "do-not-leak")
    result = await call_tool(bash_server, "bash", {"command": "env"})
    assert "do-not-leak" not in result


async def test_bash_timeout_kills_process_group(bash_server):
    command = "sleep 60 & echo $! > sleeper.pid; wait"
    with pytest.raises(ToolFailed, match="timed out after 0.5 s and was killed"):
        await call_tool(bash_server, "bash", {"command": command, "timeout_seconds": 0.5})
    pid = int((workspace_of(bash_server) / "sleeper.pid").read_text())
    assert await _wait_until_gone(pid)


async def test_bash_timeout_keeps_output_so_far(bash_server):
    with pytest.raises(ToolFailed) as failure:
        await call_tool(
            bash_server, "bash", {"command": "echo started; sleep 60", "timeout_seconds": 0.5}
        )
    assert "Output so far:\nstarted" in str(failure.value)


async def test_bash_stops_background_processes(bash_server):
    command = "sleep 60 & echo $! > sleeper.pid"
    result = await call_tool(bash_server, "bash", {"command": command})
    assert result.startswith("Exit code: 0")
    pid = int((workspace_of(bash_server) / "sleeper.pid").read_text())
    assert await _wait_until_gone(pid)


async def test_bash_caps_output(bash_server):
    result = await call_tool(bash_server, "bash", {"command": "seq 1 10000"})
    assert len(result) < 400
    assert "bytes of output left out" in result
    assert result.rstrip().endswith("10000")


async def test_bash_timeout_capped_by_setting(make_server):
    server = await make_server(bash_tool_enabled=True, tool_timeout_seconds=0.5)
    with pytest.raises(ToolFailed, match="timed out after 0.5 s"):
        await call_tool(server, "bash", {"command": "sleep 60", "timeout_seconds": 600})


async def test_bash_missing_command(bash_server):
    with pytest.raises(ToolFailed, match="Missing required argument 'command'"):
        await call_tool(bash_server, "bash", {})


async def test_bash_rejects_zero_timeout(bash_server):
    with pytest.raises(ToolFailed, match="Invalid argument 'timeout_seconds'"):
        await call_tool(bash_server, "bash", {"command": "true", "timeout_seconds": 0})


async def test_bash_returns_when_escaped_child_holds_output(bash_server):
    # `setsid` moves the child out of the command's process group, so the group kill misses it.
    # The tool stops reading after a short grace instead of waiting for the child to end.
    started = time.monotonic()
    result = await call_tool(bash_server, "bash", {"command": "setsid sleep 4 & echo done"})
    assert result.startswith("Exit code: 0\ndone")
    assert time.monotonic() - started < 3.5
