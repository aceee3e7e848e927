"""File tools: read, write, edit and list files inside the workspace."""

from __future__ import annotations

import asyncio
import os

from pydantic import BaseModel, ConfigDict, Field

from ruri.agent.builtin.base import BuiltinTool
from ruri.agent.builtin.workspace import (
    MAX_TEXT_FILE_BYTES,
    Workspace,
    os_error_message,
    read_text_file,
)
from ruri.agent.tools import ToolContext, ToolFailed

DEFAULT_READ_LINES = 2000
MAX_READ_LINES = 20000
MAX_DIRECTORY_ENTRIES = 1000

PATH_DESCRIPTION = "Path relative to the workspace folder, for example 'notes/todo.md'."


class ReadFileArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description=PATH_DESCRIPTION)
    offset: int = Field(default=1, ge=1, description="Line number to start at (1 is the first).")
    limit: int = Field(
        default=DEFAULT_READ_LINES, ge=1, le=MAX_READ_LINES, description="Maximum lines to return."
    )


class ReadFileTool(BuiltinTool):
    name = "read_file"
    description = (
        "Read a UTF-8 text file from the workspace. Returns the file's lines from `offset`; a "
        "note at the end says how to read on when the file is longer than what was returned."
    )
    Arguments = ReadFileArguments

    def __init__(self, workspace: Workspace, max_chars: int) -> None:
        super().__init__()
        self._workspace = workspace
        self._max_chars = max_chars

    async def execute(self, arguments: ReadFileArguments, context: ToolContext) -> str:
        return await asyncio.to_thread(self._read, arguments)

    def _read(self, arguments: ReadFileArguments) -> str:
        path = self._workspace.resolve(arguments.path)
        display = self._workspace.display(path)
        lines = read_text_file(path, display).splitlines(keepends=True)
        if not lines:
            return f"'{display}' is empty."
        if arguments.offset > len(lines):
            raise ToolFailed(
                f"offset {arguments.offset} is past the end of '{display}', which has "
                f"{len(lines)} lines; use an offset from 1 to {len(lines)}."
            )
        return self._page(lines, arguments.offset, arguments.limit, display)

    def _page(self, lines: list[str], offset: int, limit: int, display: str) -> str:
        """Return up to `limit` lines from `offset`, stopping early to fit the output budget."""
        chosen: list[str] = []
        used = 0
        for line in lines[offset - 1 : offset - 1 + limit]:
            if used + len(line) > self._max_chars and chosen:
                break
            chosen.append(line[: self._max_chars])
            used += len(line)
        last = offset + len(chosen) - 1
        text = "".join(chosen)
        if last < len(lines):
            text += (
                f"\n[Showed lines {offset}-{last} of {len(lines)}. Call read_file with "
                f"offset={last + 1} to read on.]"
            )
        if len(chosen[-1]) < len(lines[last - 1]):
            text += f"\n[Line {last} was cut at {self._max_chars} characters.]"
        return text


class WriteFileArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description=PATH_DESCRIPTION)
    content: str = Field(max_length=MAX_TEXT_FILE_BYTES, description="The whole new file text.")


class WriteFileTool(BuiltinTool):
    name = "write_file"
    description = (
        "Create or overwrite a text file in the workspace with `content`. Missing parent "
        "folders are created."
    )
    Arguments = WriteFileArguments

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self._workspace = workspace

    async def execute(self, arguments: WriteFileArguments, context: ToolContext) -> str:
        return await asyncio.to_thread(self._write, arguments)

    def _write(self, arguments: WriteFileArguments) -> str:
        path = self._workspace.resolve(arguments.path)
        display = self._workspace.display(path)
        if path.is_dir():
            raise ToolFailed(f"'{display}' is a directory; give a file path inside it instead.")
        existed = path.exists()
        data = arguments.content.encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise ToolFailed(os_error_message("write", display, exc)) from exc
        action = "Replaced" if existed else "Created"
        return f"{action} '{display}' ({len(data)} bytes)."


class EditFileArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description=PATH_DESCRIPTION)
    old_text: str = Field(
        min_length=1,
        description="Text to replace. It must occur exactly once in the file, whitespace included.",
    )
    new_text: str = Field(description="Text to put in its place (may be empty to delete).")


class EditFileTool(BuiltinTool):
    name = "edit_file"
    description = (
        "Replace one exact occurrence of `old_text` with `new_text` in a workspace text file. "
        "Fails when `old_text` is not found exactly once; include more surrounding lines to "
        "make it unique."
    )
    Arguments = EditFileArguments

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self._workspace = workspace

    async def execute(self, arguments: EditFileArguments, context: ToolContext) -> str:
        return await asyncio.to_thread(self._edit, arguments)

    def _edit(self, arguments: EditFileArguments) -> str:
        path = self._workspace.resolve(arguments.path)
        display = self._workspace.display(path)
        text = read_text_file(path, display)
        count = text.count(arguments.old_text)
        if count == 0:
            raise ToolFailed(
                f"old_text was not found in '{display}'. Read the file and copy the text exactly, "
                "including spaces, tabs and line breaks."
            )
        if count > 1:
            raise ToolFailed(
                f"old_text was found {count} times in '{display}'; it must occur exactly once. "
                "Include more of the surrounding lines so it matches one place."
            )
        if arguments.old_text == arguments.new_text:
            raise ToolFailed("old_text and new_text are the same, so there is nothing to change.")

        # Bytes in and out, so the file's line endings stay as they were.
        updated = text.replace(arguments.old_text, arguments.new_text, 1)
        try:
            path.write_bytes(updated.encode("utf-8"))
        except OSError as exc:
            raise ToolFailed(os_error_message("write", display, exc)) from exc
        line = text[: text.index(arguments.old_text)].count("\n") + 1
        return f"Edited '{display}': replaced 1 occurrence starting at line {line}."


class ListDirectoryArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(default=".", description="Folder relative to the workspace; '.' is its top.")


class ListDirectoryTool(BuiltinTool):
    name = "list_directory"
    description = (
        "List a workspace folder: each entry's name, type (file, directory, symlink) and the size "
        f"of files in bytes, sorted by name, at most {MAX_DIRECTORY_ENTRIES} entries."
    )
    Arguments = ListDirectoryArguments

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self._workspace = workspace

    async def execute(self, arguments: ListDirectoryArguments, context: ToolContext) -> str:
        return await asyncio.to_thread(self._list, arguments)

    def _list(self, arguments: ListDirectoryArguments) -> str:
        path = self._workspace.resolve(arguments.path)
        display = self._workspace.display(path)
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except FileNotFoundError:
            raise ToolFailed(f"Folder not found: '{display}'. List '.' to see the top.") from None
        except NotADirectoryError:
            raise ToolFailed(f"'{display}' is a file, not a folder; use read_file.") from None
        except OSError as exc:
            raise ToolFailed(os_error_message("list", display, exc)) from exc

        if not entries:
            return f"Folder '{display}' is empty."
        lines = [f"Folder '{display}' ({len(entries)} entries):"]
        lines.extend(_describe_entry(entry) for entry in entries[:MAX_DIRECTORY_ENTRIES])
        if len(entries) > MAX_DIRECTORY_ENTRIES:
            lines.append(
                f"[Showed the first {MAX_DIRECTORY_ENTRIES} of {len(entries)} entries. Use "
                "search_files with a `name` pattern to find the others.]"
            )
        return "\n".join(lines)


def _describe_entry(entry: os.DirEntry) -> str:
    try:
        if entry.is_symlink():
            return f"{entry.name}  symlink"
        if entry.is_dir(follow_symlinks=False):
            return f"{entry.name}/  directory"
        if entry.is_file(follow_symlinks=False):
            return f"{entry.name}  file, {entry.stat(follow_symlinks=False).st_size} bytes"
    except OSError:
        pass
    return f"{entry.name}  other"
