"""The registry: source order, failing sources, duplicate names and argument checks."""

from __future__ import annotations

import logging

import pytest

from ruri.agent.registry import ToolRegistry, check_arguments
from ruri.agent.tools import Tool, ToolContext, ToolFailed, ToolSpec

SCHEMA = {
    "type": "object",
    "properties": {"path": {"type": "string"}, "limit": {"type": "integer"}},
    "required": ["path"],
    "additionalProperties": False,
}


class FixedTool(Tool):
    def __init__(self, name: str, source: str = "builtin", parameters: dict | None = None) -> None:
        self.spec = ToolSpec(name, f"{name} tool", parameters or SCHEMA, source)

    async def run(self, arguments, context: ToolContext) -> str:
        return "ran"


class FixedSource:
    def __init__(self, *tools: Tool) -> None:
        self._tools = list(tools)

    async def tools(self) -> list[Tool]:
        return self._tools


class BrokenSource:
    name = "broken-mcp"

    def __init__(self) -> None:
        self.calls = 0

    async def tools(self) -> list[Tool]:
        self.calls += 1
        raise ConnectionError("server went away")


async def test_registry_keeps_source_order():
    registry = ToolRegistry()
    registry.add_source(FixedSource(FixedTool("a"), FixedTool("b")))
    registry.add_source(FixedSource(FixedTool("c", "mcp:files")))
    names = [tool.spec.name for tool in await registry.tools()]
    assert names == ["a", "b", "c"]


async def test_registry_skips_failing_source(caplog):
    registry = ToolRegistry()
    registry.add_source(FixedSource(FixedTool("a")))
    registry.add_source(BrokenSource())
    registry.add_source(FixedSource(FixedTool("c", "mcp:files")))
    with caplog.at_level(logging.WARNING, logger="ruri.agent.registry"):
        names = [tool.spec.name for tool in await registry.tools()]
    assert names == ["a", "c"]
    assert "broken-mcp" in caplog.text


async def test_registry_logs_repeated_failure_once(caplog):
    registry = ToolRegistry()
    registry.add_source(BrokenSource())
    with caplog.at_level(logging.WARNING, logger="ruri.agent.registry"):
        await registry.tools()
        await registry.tools()
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1


async def test_registry_first_duplicate_wins():
    registry = ToolRegistry()
    registry.add_source(FixedSource(FixedTool("read_file")))
    registry.add_source(FixedSource(FixedTool("read_file", "mcp:other")))
    tools = await registry.tools()
    assert len(tools) == 1
    assert tools[0].spec.source == "builtin"


async def test_registry_find_known_and_unknown():
    registry = ToolRegistry()
    registry.add_source(FixedSource(FixedTool("a")))
    assert (await registry.find("a")).spec.name == "a"
    assert await registry.find("missing") is None


def test_check_arguments_accepts_valid_object():
    assert check_arguments(FixedTool("a"), '{"path": "x", "limit": 3}') == {"path": "x", "limit": 3}


def test_check_arguments_empty_text_is_empty_object():
    tool = FixedTool("a", parameters={"type": "object", "properties": {}})
    assert check_arguments(tool, "") == {}
    assert check_arguments(tool, "  ") == {}


def test_check_arguments_method_matches_function():
    assert ToolRegistry().check_arguments(FixedTool("a"), '{"path": "x"}') == {"path": "x"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"path": "x"', "not valid JSON"),
        ('["x"]', "must be a JSON object, not an array"),
        ('"x"', "must be a JSON object, not a string"),
        ("{}", "Missing required argument 'path'"),
        ('{"path": 5}', "Invalid argument 'path'"),
        ('{"path": "x", "limit": "ten"}', "Invalid argument 'limit'"),
        ('{"path": "x", "colour": "red"}', "Unexpected argument 'colour'"),
    ],
)
def test_check_arguments_rejects(raw, expected):
    with pytest.raises(ToolFailed) as failure:
        check_arguments(FixedTool("a"), raw)
    assert expected in str(failure.value)


def test_check_arguments_lists_parameters():
    with pytest.raises(ToolFailed) as failure:
        check_arguments(FixedTool("a"), "{}")
    assert "Parameters: path (string, required), limit (integer)." in str(failure.value)


def test_check_arguments_names_wrong_type():
    with pytest.raises(ToolFailed) as failure:
        check_arguments(FixedTool("a"), '{"path": "x", "limit": "ten"}')
    assert "'ten' is not of type 'integer'" in str(failure.value)


def test_check_arguments_passes_invalid_schema(caplog):
    tool = FixedTool("odd", "mcp:odd", parameters={"type": "no-such-type"})
    with caplog.at_level(logging.WARNING, logger="ruri.agent.registry"):
        assert check_arguments(tool, '{"any": 1}') == {"any": 1}
    assert "invalid parameter schema" in caplog.text
