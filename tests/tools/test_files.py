"""read_file, write_file, edit_file and list_directory against a real server's workspace."""

from __future__ import annotations

import os

import pytest

from ruri.agent.builtin.workspace import MAX_TEXT_FILE_BYTES
from ruri.agent.tools import ToolFailed
from tests.tools.support import call_tool, workspace_of


async def test_read_file_returns_text(server):
    (workspace_of(server) / "notes.txt").write_text("first\nsecond\n")
    assert await call_tool(server, "read_file", {"path": "notes.txt"}) == "first\nsecond\n"


async def test_read_file_offset_and_limit(server):
    lines = "".join(f"line {n}\n" for n in range(1, 11))
    (workspace_of(server) / "long.txt").write_text(lines)
    result = await call_tool(server, "read_file", {"path": "long.txt", "offset": 3, "limit": 2})
    assert result.startswith("line 3\nline 4\n")
    assert "[Showed lines 3-4 of 10. Call read_file with offset=5 to read on.]" in result


async def test_read_file_cut_to_output_budget(make_server):
    server = await make_server(tool_output_max_chars=100)
    (workspace_of(server) / "wide.txt").write_text("x" * 60 + "\n" + "y" * 60 + "\n")
    result = await call_tool(server, "read_file", {"path": "wide.txt"})
    assert "y" not in result.split("\n[")[0]
    assert "offset=2" in result


async def test_read_file_offset_past_end(server):
    (workspace_of(server) / "short.txt").write_text("one\n")
    with pytest.raises(ToolFailed, match="past the end of 'short.txt', which has 1 lines"):
        await call_tool(server, "read_file", {"path": "short.txt", "offset": 5})


async def test_read_file_missing(server):
    with pytest.raises(ToolFailed, match="File not found: 'nope.txt'"):
        await call_tool(server, "read_file", {"path": "nope.txt"})


async def test_read_file_rejects_binary(server):
    (workspace_of(server) / "image.bin").write_bytes(b"\x89PNG\x00\x01\x02")
    with pytest.raises(ToolFailed, match="'image.bin' is a binary file"):
        await call_tool(server, "read_file", {"path": "image.bin"})


async def test_read_file_rejects_invalid_utf8(server):
    (workspace_of(server) / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ToolFailed, match="not valid UTF-8"):
        await call_tool(server, "read_file", {"path": "latin1.txt"})


async def test_read_file_rejects_huge_file(server):
    huge = workspace_of(server) / "huge.log"
    huge.touch()
    os.truncate(huge, MAX_TEXT_FILE_BYTES + 1)
    with pytest.raises(ToolFailed, match="over the .* byte limit"):
        await call_tool(server, "read_file", {"path": "huge.log"})


async def test_read_file_rejects_directory(server):
    (workspace_of(server) / "docs").mkdir()
    with pytest.raises(ToolFailed, match="'docs' is a directory"):
        await call_tool(server, "read_file", {"path": "docs"})


async def test_read_file_wrong_argument_type(server):
    with pytest.raises(ToolFailed, match="Invalid argument 'offset' for read_file"):
        await call_tool(server, "read_file", {"path": "a.txt", "offset": "two"})


async def test_read_file_missing_path_argument(server):
    with pytest.raises(ToolFailed, match="Missing required argument 'path' for read_file"):
        await call_tool(server, "read_file", {})


async def test_read_file_malformed_json(server):
    with pytest.raises(ToolFailed, match="not valid JSON"):
        await call_tool(server, "read_file", '{"path": ')


async def test_read_file_offset_below_one(server):
    with pytest.raises(ToolFailed, match="Invalid argument 'offset'"):
        await call_tool(server, "read_file", {"path": "a.txt", "offset": 0})


async def test_write_file_creates_parents(server):
    result = await call_tool(server, "write_file", {"path": "a/b/c.txt", "content": "hello"})
    assert result == "Created 'a/b/c.txt' (5 bytes)."
    assert (workspace_of(server) / "a/b/c.txt").read_text() == "hello"


async def test_write_file_replaces(server):
    (workspace_of(server) / "old.txt").write_text("old")
    result = await call_tool(server, "write_file", {"path": "old.txt", "content": "new"})
    assert result.startswith("Replaced 'old.txt'")
    assert (workspace_of(server) / "old.txt").read_text() == "new"


async def test_write_file_rejects_directory(server):
    (workspace_of(server) / "folder").mkdir()
    with pytest.raises(ToolFailed, match="'folder' is a directory"):
        await call_tool(server, "write_file", {"path": "folder", "content": "x"})


async def test_write_file_parent_is_file(server):
    (workspace_of(server) / "plain").write_text("x")
    with pytest.raises(ToolFailed, match="Could not write 'plain/child.txt'"):
        await call_tool(server, "write_file", {"path": "plain/child.txt", "content": "x"})


async def test_write_file_missing_content(server):
    with pytest.raises(ToolFailed, match="Missing required argument 'content'"):
        await call_tool(server, "write_file", {"path": "x.txt"})


async def test_edit_file_one_match(server):
    (workspace_of(server) / "code.py").write_text("a = 1\r\nb = 2\r\n")
    result = await call_tool(
        server, "edit_file", {"path": "code.py", "old_text": "b = 2", "new_text": "b = 3"}
    )
    assert result == "Edited 'code.py': replaced 1 occurrence starting at line 2."
    assert (workspace_of(server) / "code.py").read_bytes() == b"a = 1\r\nb = 3\r\n"


async def test_edit_file_zero_matches(server):
    (workspace_of(server) / "code.py").write_text("a = 1\n")
    with pytest.raises(ToolFailed, match="old_text was not found in 'code.py'"):
        await call_tool(server, "edit_file", {"path": "code.py", "old_text": "z", "new_text": "y"})


async def test_edit_file_two_matches(server):
    (workspace_of(server) / "code.py").write_text("x = 1\nx = 1\n")
    with pytest.raises(ToolFailed, match="found 2 times in 'code.py'"):
        await call_tool(
            server, "edit_file", {"path": "code.py", "old_text": "x = 1", "new_text": "x = 2"}
        )
    assert (workspace_of(server) / "code.py").read_text() == "x = 1\nx = 1\n"


async def test_edit_file_empty_old_text(server):
    with pytest.raises(ToolFailed, match="Invalid argument 'old_text'"):
        await call_tool(server, "edit_file", {"path": "a", "old_text": "", "new_text": "y"})


async def test_edit_file_missing_file(server):
    with pytest.raises(ToolFailed, match="File not found: 'gone.txt'"):
        await call_tool(server, "edit_file", {"path": "gone.txt", "old_text": "a", "new_text": "b"})


async def test_list_directory_entries(server):
    root = workspace_of(server)
    (root / "b.txt").write_text("12345")
    (root / "a_dir").mkdir()
    (root / "link").symlink_to(root / "b.txt")
    result = await call_tool(server, "list_directory", "")
    assert result.splitlines() == [
        "Folder '.' (3 entries):",
        "a_dir/  directory",
        "b.txt  file, 5 bytes",
        "link  symlink",
    ]


async def test_list_directory_empty(server):
    (workspace_of(server) / "empty").mkdir()
    assert (
        await call_tool(server, "list_directory", {"path": "empty"}) == "Folder 'empty' is empty."
    )


async def test_list_directory_caps_entries(server, monkeypatch):
    monkeypatch.setattr("ruri.agent.builtin.files.MAX_DIRECTORY_ENTRIES", 2)
    for name in ("a", "b", "c"):
        (workspace_of(server) / name).write_text(name)
    result = await call_tool(server, "list_directory", {"path": "."})
    assert "c  file" not in result
    assert "[Showed the first 2 of 3 entries." in result


async def test_list_directory_missing(server):
    with pytest.raises(ToolFailed, match="Folder not found: 'nowhere'"):
        await call_tool(server, "list_directory", {"path": "nowhere"})


async def test_list_directory_on_file(server):
    (workspace_of(server) / "f.txt").write_text("x")
    with pytest.raises(ToolFailed, match="'f.txt' is a file"):
        await call_tool(server, "list_directory", {"path": "f.txt"})
