"""search_files by name glob, by text and by regular expression, with its result limit."""

from __future__ import annotations

import pytest

from ruri.agent.tools import ToolFailed
from tests.tools.support import call_tool, workspace_of


@pytest.fixture
async def tree(server):
    root = workspace_of(server)
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "src" / "main.py").write_text("import os\nprint('Hello')\n")
    (root / "src" / "pkg" / "util.py").write_text("def hello():\n    return 1\n")
    (root / "docs" / "guide.md").write_text("# Guide\nSay hello to the team.\n")
    (root / "docs" / "logo.png").write_bytes(b"\x89PNG\x00hello")
    return server


async def test_search_files_by_name(tree):
    result = await call_tool(tree, "search_files", {"name": "*.py"})
    assert result.splitlines() == ["src/main.py", "src/pkg/util.py"]


async def test_search_files_by_relative_glob(tree):
    result = await call_tool(tree, "search_files", {"name": "docs/*.md"})
    assert result.splitlines() == ["docs/guide.md"]


async def test_search_files_by_content(tree):
    result = await call_tool(tree, "search_files", {"content": "hello"})
    assert result.splitlines() == [
        "docs/guide.md:2: Say hello to the team.",
        "src/pkg/util.py:1: def hello():",
    ]


async def test_search_files_ignore_case(tree):
    result = await call_tool(tree, "search_files", {"content": "HELLO", "ignore_case": True})
    assert "src/main.py:2: print('Hello')" in result.splitlines()


async def test_search_files_regex(tree):
    result = await call_tool(tree, "search_files", {"content": r"^def \w+\(", "regex": True})
    assert result.splitlines() == ["src/pkg/util.py:1: def hello():"]


async def test_search_files_name_and_content(tree):
    result = await call_tool(tree, "search_files", {"name": "*.md", "content": "hello"})
    assert result.splitlines() == ["docs/guide.md:2: Say hello to the team."]


async def test_search_files_under_folder(tree):
    result = await call_tool(tree, "search_files", {"path": "src/pkg", "name": "*"})
    assert result.splitlines() == ["src/pkg/util.py"]


async def test_search_files_skips_binary(tree):
    result = await call_tool(tree, "search_files", {"name": "*.png", "content": "hello"})
    assert result == "No matches."


async def test_search_files_limit_note(tree):
    result = await call_tool(tree, "search_files", {"name": "*", "max_results": 2})
    lines = result.splitlines()
    assert lines[:2] == ["docs/guide.md", "docs/logo.png"]
    assert lines[2].startswith("[Results were cut after 2; more matches exist.")


async def test_search_files_no_note_at_exact_limit(tree):
    result = await call_tool(tree, "search_files", {"name": "*.py", "max_results": 2})
    assert "Results were cut" not in result


async def test_search_files_skips_links_outside(tree, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("hello = 'secret'\n")
    (workspace_of(tree) / "linked").symlink_to(outside, target_is_directory=True)
    result = await call_tool(tree, "search_files", {"content": "secret"})
    assert result == "No matches."


async def test_search_files_needs_name_or_content(tree):
    with pytest.raises(ToolFailed, match="give `name`, `content` or both"):
        await call_tool(tree, "search_files", {"path": "."})


async def test_search_files_invalid_regex(tree):
    with pytest.raises(ToolFailed, match="Invalid regular expression"):
        await call_tool(tree, "search_files", {"content": "(", "regex": True})


async def test_search_files_limit_too_high(tree):
    with pytest.raises(ToolFailed, match="Invalid argument 'max_results'"):
        await call_tool(tree, "search_files", {"name": "*", "max_results": 5000})


async def test_search_files_missing_folder(tree):
    with pytest.raises(ToolFailed, match="Folder not found: 'nowhere'"):
        await call_tool(tree, "search_files", {"path": "nowhere", "name": "*"})
