"""The base of every built-in tool: one pydantic model gives the JSON Schema and checks arguments."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from ruri.agent.tools import Tool, ToolContext, ToolFailed, ToolSpec


def arguments_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Return the model's JSON Schema without pydantic's generated titles, which only add tokens."""
    return _drop_titles(model.model_json_schema())


def _drop_titles(schema: dict[str, Any]) -> dict[str, Any]:
    cleaned = {key: value for key, value in schema.items() if key != "title"}
    if "properties" in cleaned:
        cleaned["properties"] = {
            name: _drop_titles(sub) for name, sub in cleaned["properties"].items()
        }
    for key in ("anyOf", "oneOf", "allOf"):
        if key in cleaned:
            cleaned[key] = [_drop_titles(sub) for sub in cleaned[key]]
    if isinstance(cleaned.get("items"), dict):
        cleaned["items"] = _drop_titles(cleaned["items"])
    return cleaned


def describe_validation_error(tool_name: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        return f"Missing required argument '{location}' for {tool_name}."
    if first["type"] == "extra_forbidden":
        return f"Unexpected argument '{location}' for {tool_name}; leave it out."
    if not location:
        return f"Invalid arguments for {tool_name}: {message}."
    return f"Invalid argument '{location}' for {tool_name}: {message}."


class BuiltinTool(Tool):
    """A tool whose `Arguments` model is both its advertised schema and its argument check."""

    name: ClassVar[str]
    description: ClassVar[str]
    Arguments: ClassVar[type[BaseModel]]

    def __init__(self) -> None:
        self.spec = ToolSpec(
            name=self.name,
            description=self.description,
            parameters=arguments_schema(self.Arguments),
            source="builtin",
        )

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        try:
            parsed = self.Arguments.model_validate(arguments)
        except ValidationError as exc:
            raise ToolFailed(describe_validation_error(self.name, exc)) from exc
        return await self.execute(parsed, context)

    @abstractmethod
    async def execute(self, arguments: Any, context: ToolContext) -> str:
        """Do the tool's work with validated arguments; raise `ToolFailed` on failure."""
