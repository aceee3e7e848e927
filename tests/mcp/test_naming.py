"""Tool names offered to the model for MCP tools."""

from __future__ import annotations

import re

from ruri.mcp.naming import MAX_TOOL_NAME, agent_tool_name

OPENAI_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def test_name_joins_server_and_tool():
    assert agent_tool_name("files", "read") == "files__read"


def test_name_replaces_invalid_characters():
    assert agent_tool_name("my.server", "tools/list.all") == "my_server__tools_list_all"


def test_long_name_fits_limit():
    name = agent_tool_name("s" * 64, "t" * 60)
    assert len(name) == MAX_TOOL_NAME
    assert OPENAI_NAME.match(name)


def test_long_names_stay_distinct():
    first = agent_tool_name("s" * 64, "t" * 60 + "a")
    second = agent_tool_name("s" * 64, "t" * 60 + "b")
    assert first != second
