"""The logger aiohttp's connection handler writes to, with client mistakes logged as warnings.

aiohttp (3.14) parses the request line and headers before any middleware runs. It rejects a
line over 8190 bytes or a repeated `Content-Type` header with its own plain-text 400, and it
logs each one at ERROR with a traceback. Those are client mistakes, so this logger writes them
as one WARNING line. `create_app` passes it through `handler_args`.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp.http_exceptions import HttpProcessingError

logger = logging.getLogger("aiohttp.server")


class ServerLogger(logging.LoggerAdapter):
    """Log HTTP parse errors as warnings; pass every other record through unchanged."""

    def exception(self, msg: object, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            # Only the class and status: the exception text quotes up to 100 bytes of the
            # rejected line, which may hold a token.
            client = args[0] if args else "unknown"
            self.warning(
                "Rejected a malformed HTTP request from %s: %s (status %s)",
                client,
                type(exc_info).__name__,
                exc_info.code,
            )
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)


server_logger = ServerLogger(logger, {})
