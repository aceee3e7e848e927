"""The registry the agent and `GET /api/tools` ask for the tools on offer now.

Sources are asked in the order they were added: the built-in tools first, then skills, then MCP
servers. A source that raises is logged and left out, so one broken MCP server never hides the
other tools. When two sources offer the same name the first one wins, because a model request
with duplicate function names is rejected by providers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from jsonschema import exceptions as schema_errors
from jsonschema.validators import validator_for

from ruri.agent.tools import Tool, ToolFailed, ToolSource

logger = logging.getLogger(__name__)

JSON_TYPE_NAMES = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


class ToolRegistry:
    def __init__(self) -> None:
        self._sources: list[ToolSource] = []
        # Last error logged per source and duplicate names already reported, so a broken source
        # asked at every model step logs one warning, not one per step.
        self._source_errors: dict[int, str] = {}
        self._reported_duplicates: set[tuple[str, str]] = set()

    def add_source(self, source: ToolSource) -> None:
        self._sources.append(source)

    async def tools(self) -> list[Tool]:
        """Return every source's tools in source order, without sources that fail."""
        found: dict[str, Tool] = {}
        for source in self._sources:
            for tool in await self._tools_of(source):
                name = tool.spec.name
                if name in found:
                    self._report_duplicate(name, found[name], tool)
                    continue
                found[name] = tool
        return list(found.values())

    async def find(self, name: str) -> Tool | None:
        for tool in await self.tools():
            if tool.spec.name == name:
                return tool
        return None

    async def _tools_of(self, source: ToolSource) -> list[Tool]:
        label = _source_label(source)
        try:
            tools = list(await source.tools())
        except Exception as exc:  # noqa: BLE001 - any failure of one source must not hide the rest
            message = f"{type(exc).__name__}: {exc}"
            if self._source_errors.get(id(source)) != message:
                logger.warning("Tool source %s failed, leaving its tools out: %s", label, message)
                self._source_errors[id(source)] = message
            else:
                logger.debug("Tool source %s still fails: %s", label, message)
            return []
        if self._source_errors.pop(id(source), None) is not None:
            logger.info("Tool source %s works again", label)
        return tools

    def _report_duplicate(self, name: str, offered: Tool, dropped: Tool) -> None:
        key = (name, dropped.spec.source)
        if key in self._reported_duplicates:
            return
        self._reported_duplicates.add(key)
        logger.warning(
            "Tool %s from %s is left out: %s already offers a tool with that name",
            name,
            dropped.spec.source,
            offered.spec.source,
        )

    @staticmethod
    def check_arguments(tool: Tool, raw_json: str | None) -> dict[str, Any]:
        return check_arguments(tool, raw_json)


def _source_label(source: ToolSource) -> str:
    return str(getattr(source, "name", None) or type(source).__name__)


def check_arguments(tool: Tool, raw_json: str | None) -> dict[str, Any]:
    """Parse a model's argument text and check it against the tool's JSON Schema.

    Empty text means no arguments (`{}`), as some models send for tools without parameters.
    Raises `ToolFailed` with a message that names the bad argument and lists the parameters, so
    the model can fix its call.
    """
    name = tool.spec.name
    text = (raw_json or "").strip()
    try:
        arguments = json.loads(text) if text else {}
    except json.JSONDecodeError as exc:
        raise ToolFailed(
            f"The arguments for {name} are not valid JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}). Send one JSON object. {_parameters_hint(tool)}"
        ) from None
    if not isinstance(arguments, dict):
        kind = JSON_TYPE_NAMES.get(type(arguments), "a number")
        raise ToolFailed(
            f"The arguments for {name} must be a JSON object, not {kind}. {_parameters_hint(tool)}"
        )

    schema = tool.spec.parameters
    validator_class = validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except schema_errors.SchemaError as exc:
        # The tool's own server still checks the call; a bad schema is no fault of the model.
        logger.warning(
            "Tool %s has an invalid parameter schema, arguments go unchecked: %s", name, exc.message
        )
        return arguments
    error = schema_errors.best_match(validator_class(schema).iter_errors(arguments))
    if error is not None:
        raise ToolFailed(f"{_describe_schema_error(name, error)} {_parameters_hint(tool)}")
    return arguments


def _describe_schema_error(name: str, error: schema_errors.ValidationError) -> str:
    location = ".".join(str(part) for part in error.absolute_path)
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in instance]
        where = f" in '{location}'" if location else ""
        return f"Missing required argument '{missing[0] if missing else '?'}'{where} for {name}."
    if error.validator == "additionalProperties" and error.validator_value is False:
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(key for key in instance if key not in allowed)
        return f"Unexpected argument '{extra[0] if extra else '?'}' for {name}; leave it out."
    if not location:
        return f"Invalid arguments for {name}: {error.message}."
    return f"Invalid argument '{location}' for {name}: {error.message}."


def _parameters_hint(tool: Tool) -> str:
    """Summarise the top-level parameters, for example `path (string, required), offset`."""
    schema = tool.spec.parameters
    properties = schema.get("properties") or {}
    if not properties:
        return f"{tool.spec.name} takes no arguments."
    required = set(schema.get("required") or [])
    parts = []
    for key, sub in properties.items():
        details = [str(sub["type"])] if isinstance(sub, dict) and "type" in sub else []
        if key in required:
            details.append("required")
        parts.append(f"{key} ({', '.join(details)})" if details else key)
    return f"Parameters: {', '.join(parts)}."
