"""Call built-in tools the way the agent does: find by name, check the argument text, run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruri.agent.tools import ToolContext
from tests.support.server import RuriServer


def workspace_of(server: RuriServer) -> Path:
    return server.settings.resolved_data_dir / "workspace"


async def call_tool(server: RuriServer, name: str, arguments: dict[str, Any] | str) -> str:
    """Run tool `name` through the server's registry; `arguments` may be raw JSON text."""
    registry = server.services.tools
    tool = await registry.find(name)
    assert tool is not None, f"tool {name} is not offered"
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    checked = registry.check_arguments(tool, raw)
    return await tool.run(checked, ToolContext(conversation_id="test-conversation"))
