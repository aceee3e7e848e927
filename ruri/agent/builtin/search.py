"""search_files: find files by name pattern and lines by text or regular expression."""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# `regex` rather than `re`: its `timeout=` stops a catastrophic pattern, and `concurrent=True`
# releases the GIL while matching, so the event loop keeps serving other requests.
import regex
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ruri.agent.builtin.base import BuiltinTool
from ruri.agent.builtin.workspace import Workspace, read_text_file
from ruri.agent.tools import ToolContext, ToolFailed

logger = logging.getLogger(__name__)

DEFAULT_SEARCH_RESULTS = 100
MAX_SEARCH_RESULTS = 1000
# Matched lines are cut to this many characters, so one minified file cannot fill the output.
MAX_LINE_CHARS = 300
# A search stops after this share of the tool timeout, at most MAX_SEARCH_SECONDS, so it ends with
# its own message (naming the pattern) before the agent's generic tool timeout fires.
SEARCH_TIMEOUT_SHARE = 0.75
MAX_SEARCH_SECONDS = 20.0

LineMatcher = Callable[[str, float], bool]


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
        "binary files are skipped. A search that runs too long stops with an error."
    )
    Arguments = SearchFilesArguments

    def __init__(self, workspace: Workspace, max_chars: int, timeout_seconds: float) -> None:
        super().__init__()
        self._workspace = workspace
        self._max_chars = max_chars
        self.budget_seconds = min(MAX_SEARCH_SECONDS, timeout_seconds * SEARCH_TIMEOUT_SHARE)

    async def execute(self, arguments: SearchFilesArguments, context: ToolContext) -> str:
        # The answer comes at the budget in wall time. `regex` counts its timeout in CPU time, so on
        # a busy machine the thread may outlive the answer, but never by more than that CPU time.
        try:
            async with asyncio.timeout(self.budget_seconds):
                return await asyncio.to_thread(self._search, arguments)
        except TimeoutError:
            logger.warning(
                "search_files timed out after %s s in conversation %s",
                self.budget_seconds,
                context.conversation_id,
            )
            raise ToolFailed(_too_slow(arguments, self.budget_seconds)) from None

    def _search(self, arguments: SearchFilesArguments) -> str:
        start = self._workspace.resolve(arguments.path)
        if not start.is_dir():
            raise ToolFailed(
                f"Folder not found: '{arguments.path}'. Give a folder relative to the workspace."
            )
        matcher = _line_matcher(arguments)
        deadline = time.monotonic() + self.budget_seconds
        results: list[str] = []
        more = False
        for result in self._results(start, arguments, matcher, deadline):
            if len(results) == arguments.max_results:
                more = True
                break
            results.append(result)
        return self._format(results, more, arguments)

    def _results(
        self,
        start: Path,
        arguments: SearchFilesArguments,
        matcher: LineMatcher | None,
        deadline: float,
    ) -> Iterator[str]:
        for path in _walk_files(start):
            if time.monotonic() >= deadline:
                raise ToolFailed(_too_slow(arguments, self.budget_seconds))
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
                try:
                    found = matcher(line, deadline)
                except TimeoutError as exc:
                    raise ToolFailed(_too_slow(arguments, self.budget_seconds)) from exc
                if found:
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


def _too_slow(arguments: SearchFilesArguments, budget_seconds: float) -> str:
    if arguments.regex:
        return (
            f"Regular expression '{(arguments.content or '')[:MAX_LINE_CHARS]}' timed out after "
            f"{budget_seconds:g} s, probably from catastrophic backtracking. Use a simpler pattern "
            "without nested repetition such as '(a+)+' or '(a|aa)+', or set regex=false to "
            "search for plain text."
        )
    return (
        f"Search timed out after {budget_seconds:g} s. Narrow it with `path` or `name`."
    )


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


def _line_matcher(arguments: SearchFilesArguments) -> LineMatcher | None:
    """Return a predicate `(line, deadline)` for lines that match `content`, or None when
    `content` is not given. A regular expression raises TimeoutError once the deadline passes."""
    if arguments.content is None:
        return None
    if arguments.regex:
        return _regex_matcher(arguments.content, arguments.ignore_case)
    if arguments.ignore_case:
        needle = arguments.content.casefold()
        return lambda line, deadline: needle in line.casefold()
    content = arguments.content
    return lambda line, deadline: content in line


def _regex_matcher(content: str, ignore_case: bool) -> LineMatcher:
    # VERSION0 keeps the syntax and behaviour of Python's `re`, which the tool description promises.
    flags = regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0)
    try:
        pattern = regex.compile(content, flags)
    except regex.error as exc:
        raise ToolFailed(
            f"Invalid regular expression in `content`: {exc}. Fix it, or set regex=false "
            "to search for the plain text."
        ) from exc

    def matches(line: str, deadline: float) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("regex timed out")
        return pattern.search(line, concurrent=True, timeout=left) is not None

    return matches
