"""search_files: find files by name pattern and lines by text or regular expression."""

from __future__ import annotations

import asyncio
import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ruri.agent.builtin.base import BuiltinTool
from ruri.agent.builtin.workspace import Workspace, read_text_file
from ruri.agent.tools import ToolContext, ToolFailed

DEFAULT_SEARCH_RESULTS = 100
MAX_SEARCH_RESULTS = 1000
# Matched lines are cut to this many characters, so one minified file cannot fill the output.
MAX_LINE_CHARS = 300


class SearchFilesArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(default=".", description="Folder to search, relative to the workspace.")
    name: str | None = Field(
        default=None,
        description="Glob for file names, for example '*.py'. With a '/', it matches the path "
        "relative to `path`, for example 'docs/*.md'.",
    )
    content: str | None = Field(
        default=None, min_length=1, description="Text to find in file lines."
    )
    regex: bool = Field(
        default=False, description="Treat `content` as a Python regular expression."
    )
    ignore_case: bool = Field(default=False, description="Match `name` and `content` in any case.")
    max_results: int = Field(
        default=DEFAULT_SEARCH_RESULTS,
        ge=1,
        le=MAX_SEARCH_RESULTS,
        description="Stop after this many results.",
    )

    @model_validator(mode="after")
    def _need_name_or_content(self) -> SearchFilesArguments:
        if self.name is None and self.content is None:
            raise ValueError("give `name`, `content` or both")
        return self


class SearchFilesTool(BuiltinTool):
    name = "search_files"
    description = (
        "Search the workspace tree for files whose name matches the `name` glob and/or lines "
        "that contain `content` (plain text, or a regular expression with regex=true). Returns "
        "file paths, or 'path:line: text' for content matches. Symbolic links are not followed; "
        "binary files are skipped."
    )
    Arguments = SearchFilesArguments

    def __init__(self, workspace: Workspace, max_chars: int) -> None:
        super().__init__()
        self._workspace = workspace
        self._max_chars = max_chars

    async def execute(self, arguments: SearchFilesArguments, context: ToolContext) -> str:
        # NOTE: a catastrophic regular expression keeps its worker thread busy after the agent's
        # tool timeout gives up on it; Python's `re` cannot be interrupted.
        return await asyncio.to_thread(self._search, arguments)

    def _search(self, arguments: SearchFilesArguments) -> str:
        start = self._workspace.resolve(arguments.path)
        if not start.is_dir():
            raise ToolFailed(
                f"Folder not found: '{arguments.path}'. Give a folder relative to the workspace."
            )
        matcher = _line_matcher(arguments)
        results: list[str] = []
        more = False
        for result in self._results(start, arguments, matcher):
            if len(results) == arguments.max_results:
                more = True
                break
            results.append(result)
        return self._format(results, more, arguments)

    def _results(self, start: Path, arguments: SearchFilesArguments, matcher) -> Iterator[str]:
        for path in _walk_files(start):
            relative = path.relative_to(start).as_posix()
            if arguments.name is not None and not _name_matches(relative, arguments):
                continue
            display = self._workspace.display(path)
            if matcher is None:
                yield display
                continue
            try:
                text = read_text_file(path, display)
            except ToolFailed:
                continue  # Binary, huge or unreadable files have no lines to match.
            for number, line in enumerate(text.splitlines(), start=1):
                if matcher(line):
                    yield f"{display}:{number}: {line[:MAX_LINE_CHARS]}"

    def _format(self, results: list[str], more: bool, arguments: SearchFilesArguments) -> str:
        if not results:
            return "No matches."
        lines: list[str] = []
        used = 0
        for result in results:
            if used + len(result) + 1 > self._max_chars:
                more = True
                break
            lines.append(result)
            used += len(result) + 1
        if more:
            lines.append(
                f"[Results were cut after {len(lines)}; more matches exist. Narrow the search "
                f"with `path` or `name`, or raise max_results (up to {MAX_SEARCH_RESULTS}).]"
            )
        return "\n".join(lines)


def _walk_files(start: Path) -> Iterator[Path]:
    """Yield regular files under `start` in sorted order, never following symbolic links."""
    for folder, folders, files in os.walk(start, followlinks=False):
        folders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if not path.is_symlink():
                yield path


def _name_matches(relative: str, arguments: SearchFilesArguments) -> bool:
    pattern = arguments.name or ""
    target = relative if "/" in pattern else relative.rsplit("/", 1)[-1]
    if arguments.ignore_case:
        return fnmatch.fnmatchcase(target.lower(), pattern.lower())
    return fnmatch.fnmatchcase(target, pattern)


def _line_matcher(arguments: SearchFilesArguments):
    """Return a predicate for lines that match `content`, or None when `content` is not given."""
    if arguments.content is None:
        return None
    if arguments.regex:
        flags = re.IGNORECASE if arguments.ignore_case else 0
        try:
            pattern = re.compile(arguments.content, flags)
        except re.error as exc:
            raise ToolFailed(
                f"Invalid regular expression in `content`: {exc}. Fix it, or set regex=false "
                "to search for the plain text."
            ) from exc
        return lambda line: pattern.search(line) is not None
    if arguments.ignore_case:
        needle = arguments.content.casefold()
        return lambda line: needle in line.casefold()
    return lambda line: arguments.content in line
