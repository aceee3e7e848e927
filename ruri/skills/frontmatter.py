"""Parse `SKILL.md`: YAML frontmatter between `---` lines, then Markdown instructions.

The fields follow the Agent Skills format (`name`, `description`, optional `allowed-tools`,
`model` and others). Both `allowed_tools` and `allowed-tools` are read, as a YAML list or as one
comma or space separated string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ruri.errors import BadRequest

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# The Agent Skills specification (agentskills.io) caps `description` at 1024 characters.
# `when_to_use` gets the same cap because both go into every system prompt.
MAX_DESCRIPTION_CHARS = 1024
# One entry of an `allowed-tools` string: a tool name, optionally with an argument pattern in
# parentheses such as `Bash(git status:*)`, which may itself contain spaces.
_TOOL_ENTRY = re.compile(r"[^\s,()]+(?:\([^)]*\))?")


@dataclass(frozen=True)
class SkillDocument:
    name: str
    description: str
    instructions: str
    when_to_use: str | None = None
    allowed_tools: list[str] | None = None
    model: str | None = None
    user_invocable: bool | None = None
    # Every frontmatter field, including the ones Ruri does not interpret.
    metadata: dict[str, Any] = field(default_factory=dict)


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise BadRequest(
            f"Invalid skill name {name!r}: use 1 to 64 characters of a-z, 0-9, '.', '_' or '-', "
            "starting with a letter or digit",
            field="name",
        )
    return name


def split_frontmatter(text: str) -> tuple[str, str]:
    """Return (frontmatter YAML, body); only a line that is exactly `---` closes the frontmatter."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise BadRequest("Invalid SKILL.md: it must start with YAML frontmatter between '---' lines")
    for index in range(1, len(lines)):
        if lines[index] == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]).strip("\n")
    raise BadRequest("Invalid SKILL.md: the frontmatter has no closing '---' line")


def parse_skill_md(text: str) -> SkillDocument:
    """Parse a whole `SKILL.md`; every problem raises `BadRequest` naming the field."""
    header, body = split_frontmatter(text)
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        raise BadRequest(f"Invalid YAML in the SKILL.md frontmatter: {_yaml_problem(exc)}") from None
    if not isinstance(meta, dict):
        kind = "empty" if meta is None else f"a {type(meta).__name__}"
        raise BadRequest(f"Invalid SKILL.md frontmatter: expected a YAML mapping of fields, got {kind}")

    for required in ("name", "description"):
        if meta.get(required) in (None, ""):
            raise BadRequest(f"Invalid SKILL.md: missing frontmatter field '{required}'", field=required)
    return SkillDocument(
        name=check_name(meta["name"]),
        description=_text(meta, "description"),
        instructions=body,
        when_to_use=_optional_text(meta, "when_to_use"),
        allowed_tools=_allowed_tools(meta),
        model=_optional_text(meta, "model"),
        user_invocable=_optional_bool(meta, "user_invocable", "user-invocable"),
        metadata={str(key): value for key, value in meta.items()},
    )


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    # The frontmatter starts on line 2 of the file, after the opening `---`.
    return f"{problem} (line {mark.line + 2} of SKILL.md)" if mark else problem


def _text(meta: dict, key: str) -> str:
    value = meta[key]
    if not isinstance(value, str):
        raise BadRequest(f"Invalid SKILL.md field '{key}': must be text", field=key)
    value = value.strip()
    if len(value) > MAX_DESCRIPTION_CHARS:
        raise BadRequest(
            f"Invalid SKILL.md field '{key}': at most {MAX_DESCRIPTION_CHARS} characters", field=key
        )
    return value


def _optional_text(meta: dict, key: str) -> str | None:
    return None if meta.get(key) in (None, "") else _text(meta, key)


def _optional_bool(meta: dict, *keys: str) -> bool | None:
    for key in keys:
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise BadRequest(f"Invalid SKILL.md field '{key}': must be true or false", field=key)
        return value
    return None


def _allowed_tools(meta: dict) -> list[str] | None:
    present = [key for key in ("allowed_tools", "allowed-tools") if meta.get(key) is not None]
    if not present:
        return None
    if len(present) > 1:
        raise BadRequest(
            "Invalid SKILL.md: both 'allowed_tools' and 'allowed-tools' are set; keep one",
            field="allowed_tools",
        )
    key = present[0]
    value = meta[key]
    if isinstance(value, str):
        return _TOOL_ENTRY.findall(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise BadRequest(
        f"Invalid SKILL.md field '{key}': must be a list of tool names or a comma separated string",
        field="allowed_tools",
    )
