"""The names under which MCP tools are offered to the model.

A tool is named `<server>__<tool>`, so it cannot collide with a built-in tool (no built-in name
contains `__`) or with a tool of another server. Model APIs accept only `[A-Za-z0-9_-]{1,64}` as a
function name, so any other character becomes `_`, and a longer name keeps its first 55
characters plus `_` and 8 hex digits of a SHA-256 of the full name.
"""

from __future__ import annotations

import hashlib
import re

MAX_TOOL_NAME = 64
_INVALID_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def agent_tool_name(server_name: str, tool_name: str) -> str:
    full = _INVALID_NAME_CHARS.sub("_", f"{server_name}__{tool_name}")
    if len(full) <= MAX_TOOL_NAME:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[:MAX_TOOL_NAME - 9]}_{digest}"
