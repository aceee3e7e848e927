"""Keep the libraries that write SQL parameters or HTTP payloads quieter than Ruri's own log.

At `--log-level debug` these loggers would otherwise follow the root level and write provider
keys, MCP env values and password hashes. `RURI_LOG_LIBRARY_DEBUG=true` lets them follow Ruri's
level again, for debugging the libraries themselves.
"""

from __future__ import annotations

import logging

# The lowest level each library may log at unless library debugging is on, and what the installed
# version writes below that level.
LIBRARY_FLOORS = {
    # DEBUG: "executing functools.partial(<execute>, <sql>, <parameters>)" for every statement.
    "aiosqlite": logging.WARNING,
    # INFO: every statement with its parameters; DEBUG: the rows it returned.
    "sqlalchemy.engine": logging.WARNING,
    # DEBUG: a checkout and a return for every statement, which hide the useful records.
    "sqlalchemy.pool": logging.WARNING,
    # DEBUG: request and retry details; INFO is kept for retry notices.
    "openai": logging.INFO,
    # DEBUG: every connection step with the response headers (cookies included).
    "httpcore": logging.INFO,
    "httpcore2": logging.INFO,
    # INFO: one line per request (method, URL, status), which is useful and contains no secrets.
    "httpx": logging.INFO,
    "httpx2": logging.INFO,
    # DEBUG: every JSON-RPC message sent to and received from an MCP server (tool arguments).
    "mcp": logging.INFO,
    # DEBUG: every WebSocket frame with the start of its payload.
    "websockets": logging.INFO,
    "aiohttp.client": logging.INFO,
}


def set_library_levels(level: int, library_debug: bool) -> dict[str, int]:
    """Set each library logger to `level`, raised to its floor unless `library_debug` is on.

    Return the levels they had before, for `restore_library_levels`.
    """
    previous = {}
    for name, floor in LIBRARY_FLOORS.items():
        library = logging.getLogger(name)
        previous[name] = library.level
        library.setLevel(level if library_debug else max(level, floor))
    return previous


def restore_library_levels(previous: dict[str, int]) -> None:
    for name, level in previous.items():
        logging.getLogger(name).setLevel(level)
