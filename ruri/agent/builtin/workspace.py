"""The folder the file tools are confined to, and the checks that keep every path inside it."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from ruri.agent.tools import ToolFailed

# Text tools read whole files into memory, so larger files are rejected.
MAX_TEXT_FILE_BYTES = 10 * 1024 * 1024
# A NUL byte in the first block marks a file as binary, as git and grep decide.
BINARY_SNIFF_BYTES = 8192


class Workspace:
    """The `<data-dir>/workspace/` folder; every path a tool receives is relative to it."""

    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        """Return the real path of the folder, creating it when it is missing."""
        self._root.mkdir(parents=True, exist_ok=True)
        return Path(os.path.realpath(self._root))

    def resolve(self, raw: str) -> Path:
        """Return the real path for `raw`, or raise `ToolFailed` when it would leave the workspace.

        `realpath` follows every symbolic link on the way (a linked file or a linked parent
        folder) and folds `..`, so checking its result catches every way out that exists now.
        NOTE: a link swapped in between this check and the file operation is not caught. The
        built-in file tools cannot create links, and bash, when enabled, is not confined anyway.
        """
        if "\x00" in raw:
            raise ToolFailed("Invalid path: it contains a NUL byte; remove it.")
        if not raw:
            raise ToolFailed("Invalid path: it is empty; give a path relative to the workspace.")
        if PurePosixPath(raw).is_absolute() or PureWindowsPath(raw).drive or raw.startswith("~"):
            raise ToolFailed(
                f"Invalid path '{raw}': absolute and home paths are not allowed; give a path "
                "relative to the workspace folder, for example 'notes/todo.md'."
            )
        root = self.root
        real = Path(os.path.realpath(root / raw))
        if not real.is_relative_to(root):
            raise ToolFailed(
                f"Invalid path '{raw}': it leads outside the workspace; only files inside the "
                "workspace folder can be used."
            )
        return real

    def display(self, path: Path) -> str:
        """Return `path` relative to the workspace, the form tools show to the model."""
        relative = path.relative_to(self.root).as_posix()
        return relative if relative else "."


def os_error_message(action: str, display: str, exc: OSError) -> str:
    # Only the relative path and the error text, so the server's folder layout stays private.
    reason = exc.strerror or exc.__class__.__name__
    return f"Could not {action} '{display}': {reason}."


def read_text_file(path: Path, display: str) -> str:
    """Return a file's text, or raise `ToolFailed` for a missing, binary, huge or special file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ToolFailed(
            f"File not found: '{display}'. Use list_directory or search_files to find the path."
        ) from None
    except OSError as exc:
        raise ToolFailed(os_error_message("read", display, exc)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ToolFailed(f"'{display}' is a directory; use list_directory to see its entries.")
    if not stat.S_ISREG(info.st_mode):
        raise ToolFailed(f"'{display}' is not a regular file, so it cannot be read as text.")
    if info.st_size > MAX_TEXT_FILE_BYTES:
        raise ToolFailed(
            f"'{display}' is {info.st_size} bytes, over the {MAX_TEXT_FILE_BYTES} byte limit for "
            "text files; use search_files with `content` to find the lines you need."
        )

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ToolFailed(os_error_message("read", display, exc)) from exc
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise ToolFailed(f"'{display}' is a binary file; only UTF-8 text files can be read.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ToolFailed(
            f"'{display}' is not valid UTF-8 text (it may be binary); only UTF-8 text files "
            "can be read."
        ) from None
