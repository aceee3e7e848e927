"""The `logging` handler that turns every record into a buffered, published `LogRecordData`."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime

from ruri.logs.context import conversation_id_var, request_id_var
from ruri.logs.hub import LogHub
from ruri.logs.records import level_name
from ruri.logs.redaction import redact

# Keeps a single record from pinning megabytes in the buffer; the rest is cut off.
MAX_MESSAGE_CHARS = 32_000

_formatter = logging.Formatter()


def record_message(record: logging.LogRecord) -> str:
    """Return the record's message with any traceback, shortened and with secrets removed."""
    message = record.getMessage()
    if record.exc_info and not record.exc_text:
        record.exc_text = _formatter.formatException(record.exc_info)
    if record.exc_text:
        message = f"{message}\n{record.exc_text}"
    if record.stack_info:
        message = f"{message}\n{record.stack_info}"
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[:MAX_MESSAGE_CHARS] + " [truncated]"
    return redact(message)


class HubHandler(logging.Handler):
    """Publish records to the hub on its event loop; records from other threads are handed over.

    The handler does only string work and a non-blocking hand-over, so logging stays cheap and
    never waits for a subscriber.
    """

    def __init__(self, hub: LogHub, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self._hub = hub
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._local = threading.local()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind the handler to the loop (and its thread) that owns the hub's subscribers."""
        self._loop = loop
        self._loop_thread = threading.get_ident()

    def detach(self) -> None:
        self._loop = None
        self._loop_thread = None

    def emit(self, record: logging.LogRecord) -> None:
        # A record logged while this thread is already inside emit would recurse; skip it.
        if getattr(self._local, "busy", False):
            return
        self._local.busy = True
        try:
            self._publish(record)
        except Exception:  # noqa: BLE001 - logging handlers report through handleError
            self.handleError(record)
        finally:
            self._local.busy = False

    def _publish(self, record: logging.LogRecord) -> None:
        fields = (
            level_name(record.levelno),
            record_message(record),
            datetime.fromtimestamp(record.created, UTC),
            record.name,
            conversation_id_var.get(),
            request_id_var.get(),
        )
        loop = self._loop
        if loop is None or threading.get_ident() == self._loop_thread:
            self._hub.publish(*fields)
            return
        try:
            loop.call_soon_threadsafe(self._hub.publish, *fields)
        except RuntimeError:
            # The loop has closed, so no subscriber is left; keep the record in the buffer only.
            self._hub.publish(*fields)
