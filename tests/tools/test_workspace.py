"""Every file tool stays inside the workspace: absolute paths, `..` and symbolic links fail."""

from __future__ import annotations

import pytest

from ruri.agent.tools import ToolFailed
from tests.tools.support import call_tool, workspace_of

# One call per file tool, with the path to try filled in.
CALLS = [
    ("read_file", lambda path: {"path": path}),
    ("write_file", lambda path: {"path": path, "content": "escaped"}),
    ("edit_file", lambda path: {"path": path, "old_text": "a", "new_text": "b"}),
    ("list_directory", lambda path: {"path": path}),
    ("search_files", lambda path: {"path": path, "name": "*"}),
]
TOOL_IDS = [name for name, _ in CALLS]


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=TOOL_IDS)
async def test_tools_reject_parent_escape(server, tool, arguments):
    with pytest.raises(ToolFailed, match="leads outside the workspace"):
        await call_tool(server, tool, arguments("../x"))


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=TOOL_IDS)
async def test_tools_reject_absolute_path(server, tool, arguments):
    with pytest.raises(ToolFailed, match="absolute and home paths are not allowed"):
        await call_tool(server, tool, arguments("/etc/passwd"))


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=TOOL_IDS)
async def test_tools_reject_nul_byte(server, tool, arguments):
    with pytest.raises(ToolFailed, match="contains a NUL byte"):
        await call_tool(server, tool, arguments("notes\x00.txt"))


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=TOOL_IDS)
async def test_tools_reject_symlink_outside(server, tmp_path, tool, arguments):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("a secret")
    (workspace_of(server) / "tmp_link").symlink_to(outside)
    with pytest.raises(ToolFailed, match="leads outside the workspace"):
        await call_tool(server, tool, arguments("tmp_link"))


@pytest.mark.parametrize(("tool", "arguments"), CALLS, ids=TOOL_IDS)
async def test_tools_reject_file_under_linked_folder(server, tmp_path, tool, arguments):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("a secret")
    (workspace_of(server) / "shared").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ToolFailed, match="leads outside the workspace"):
        await call_tool(server, tool, arguments("shared/secret.txt"))


async def test_symlink_to_tmp_rejected(server):
    (workspace_of(server) / "tmp").symlink_to("/tmp", target_is_directory=True)
    with pytest.raises(ToolFailed, match="leads outside the workspace"):
        await call_tool(server, "list_directory", {"path": "tmp"})


async def test_write_through_linked_folder_leaves_outside_alone(server, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace_of(server) / "shared").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ToolFailed):
        await call_tool(server, "write_file", {"path": "shared/new.txt", "content": "x"})
    assert not (outside / "new.txt").exists()


async def test_dangling_symlink_outside_rejected(server, tmp_path):
    (workspace_of(server) / "later.txt").symlink_to(tmp_path / "not-yet.txt")
    with pytest.raises(ToolFailed, match="leads outside the workspace"):
        await call_tool(server, "write_file", {"path": "later.txt", "content": "x"})
    assert not (tmp_path / "not-yet.txt").exists()


async def test_home_path_rejected(server):
    with pytest.raises(ToolFailed, match="absolute and home paths"):
        await call_tool(server, "read_file", {"path": "~/.ssh/id_rsa"})


async def test_inner_parent_steps_allowed(server):
    root = workspace_of(server)
    (root / "a").mkdir()
    (root / "b.txt").write_text("inside")
    assert await call_tool(server, "read_file", {"path": "a/../b.txt"}) == "inside"


async def test_symlink_inside_workspace_allowed(server):
    root = workspace_of(server)
    (root / "real.txt").write_text("target")
    (root / "alias.txt").symlink_to(root / "real.txt")
    assert await call_tool(server, "read_file", {"path": "alias.txt"}) == "target"


async def test_empty_path_rejected(server):
    with pytest.raises(ToolFailed, match="it is empty"):
        await call_tool(server, "read_file", {"path": ""})
