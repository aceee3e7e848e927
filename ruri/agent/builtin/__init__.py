"""The tools that come with Ruri: file tools confined to the workspace, plus the optional
`bash` (when `bash_tool_enabled`) and `web_search` (when `web_search_url` is set)."""

from __future__ import annotations

from ruri.agent.builtin.bash import BashTool
from ruri.agent.builtin.files import EditFileTool, ListDirectoryTool, ReadFileTool, WriteFileTool
from ruri.agent.builtin.search import SearchFilesTool
from ruri.agent.builtin.web_search import WebSearchTool
from ruri.agent.builtin.workspace import Workspace
from ruri.agent.tools import Tool
from ruri.config import Settings

__all__ = ["BuiltinTools", "Workspace"]


class BuiltinTools:
    """The tool source for the built-in tools; which ones exist is fixed by the settings."""

    name = "builtin"

    def __init__(self, settings: Settings) -> None:
        workspace = Workspace(settings.resolved_data_dir / "workspace")
        max_chars = settings.tool_output_max_chars
        self.workspace = workspace
        self._tools: list[Tool] = [
            ReadFileTool(workspace, max_chars),
            WriteFileTool(workspace),
            EditFileTool(workspace),
            ListDirectoryTool(workspace),
            SearchFilesTool(workspace, max_chars, settings.tool_timeout_seconds),
        ]
        if settings.bash_tool_enabled:
            self._tools.append(BashTool(workspace, settings.tool_timeout_seconds, max_chars))
        if settings.web_search_url:
            self._tools.append(
                WebSearchTool(settings.web_search_url, settings.web_search_timeout_seconds)
            )

    async def tools(self) -> list[Tool]:
        return list(self._tools)
