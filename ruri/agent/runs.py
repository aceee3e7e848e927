"""Chat runs that belong to the server, not to the client that started them.

A run keeps every event it emitted. Any number of clients can follow it, from the first event
or after attaching late, and a client that goes away does not stop it: only `stop()` (or the
server shutting down) cancels the run's task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ruri.agent.events import ChatEvent, EventKind, RunError
from ruri.errors import Conflict, RuriError, TooManyRuns
from ruri.logs.context import bind_conversation
from ruri.providers.openai_compatible import Usage
from ruri.services.conversations import MessageData

logger = logging.getLogger(__name__)


@dataclass
class ChatResult:
    conversation_id: str
    message: MessageData
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    usage: Usage | None = None


class ChatRun:
    """One agent run in one conversation: its task, its events and its outcome."""

    def __init__(self, conversation_id: str, user_id: str | None) -> None:
        self.conversation_id = conversation_id
        self.user_id = user_id
        self.events: list[ChatEvent] = []
        self.task: asyncio.Task | None = None
        self.stop_requested = False
        self.result: ChatResult | None = None
        self.error: RuriError | None = None
        self._finished = asyncio.Event()
        self._changed = asyncio.Event()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def emit(self, event: ChatEvent) -> None:
        self.events.append(event)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def finish(self) -> None:
        """Mark the run ended; a run without `result` or `error` ends with an `error` event."""
        if self.finished:
            return
        if self.result is None and self.error is None:
            # A bug, not a user action: every path of the agent loop records an outcome.
            logger.warning(
                "Chat run in conversation %s ended without a result or an error", self.conversation_id
            )
            self.error = RuriError("The chat run ended without an answer")
            run_error = RunError(code=self.error.code, message=self.error.message)
            self.emit(ChatEvent(EventKind.error, self.conversation_id, error=run_error))
        self._finished.set()
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def follow(self) -> AsyncIterator[ChatEvent]:
        """Yield every event from the first one, then each new one, until the run ends."""
        index = 0
        while True:
            while index < len(self.events):
                yield self.events[index]
                index += 1
            if self.finished:
                return
            await self._changed.wait()

    async def wait(self) -> ChatResult:
        """Wait for the run's outcome; cancelling the waiter leaves the run going."""
        await self._finished.wait()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def stop(self) -> None:
        """Request the run's task to stop; a repeated request does nothing.

        The task is cancelled once only, because the agent loop stores the partial answer after
        the first cancellation and a second one would interrupt that store.
        """
        if self.stop_requested:
            return
        self.stop_requested = True
        if self.task is not None and not self.task.done():
            self.task.cancel()


class RunManager:
    """The running chats, at most one per conversation and a limited number per user."""

    def __init__(self, max_runs_per_user: int, on_change: Callable[[], Awaitable[None]]) -> None:
        self._max_per_user = max_runs_per_user
        self._on_change = on_change
        self._runs: dict[str, ChatRun] = {}
        # Notifications started from task callbacks, kept referenced until they finish.
        self._notices: set[asyncio.Task] = set()

    @property
    def active_count(self) -> int:
        return len(self._runs)

    def get(self, conversation_id: str) -> ChatRun | None:
        return self._runs.get(conversation_id)

    def reserve(self, conversation_id: str, user_id: str | None) -> ChatRun:
        """Register a new run, or raise when the conversation or the user is busy."""
        if conversation_id in self._runs:
            raise Conflict(
                f"A chat is already running in conversation {conversation_id}; "
                "wait for it to finish or stop it first"
            )
        running = sum(1 for run in self._runs.values() if run.user_id == user_id)
        if user_id is not None and running >= self._max_per_user:
            raise TooManyRuns(
                f"Too many chats running: {running} of at most {self._max_per_user} per user; "
                "wait for one to finish or stop one (POST /api/chat/stop)"
            )
        run = ChatRun(conversation_id, user_id)
        self._runs[conversation_id] = run
        return run

    def release(self, run: ChatRun) -> None:
        if self._runs.get(run.conversation_id) is run:
            del self._runs[run.conversation_id]

    async def launch(self, run: ChatRun, body: Callable[[], Awaitable[None]]) -> None:
        """Start `body` as the run's task. When it ends, the run is released and listeners are notified."""

        async def main() -> None:
            try:
                await body()
            finally:
                # Released before waiters wake, so a client that starts the next turn right away
                # does not find the conversation still busy.
                self.release(run)
                run.finish()
                await self._notify()

        def ended(_task: asyncio.Task) -> None:
            # A task cancelled before its first step never enters `main`, so nothing above ran.
            if not run.finished:
                self.release(run)
                run.finish()
                notice = asyncio.get_running_loop().create_task(self._notify())
                self._notices.add(notice)
                notice.add_done_callback(self._notices.discard)

        # The task copies the context here, so every record the run logs names its conversation.
        with bind_conversation(run.conversation_id):
            run.task = asyncio.create_task(main(), name=f"chat-run-{run.conversation_id}")
        run.task.add_done_callback(ended)
        await self._notify()

    async def aclose(self) -> None:
        """Stop every run and wait for each to store what it has."""
        runs = list(self._runs.values())
        for run in runs:
            run.stop()
        for run in runs:
            if run.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await run.task

    async def _notify(self) -> None:
        try:
            await self._on_change()
        except Exception:
            logger.exception("Telling listeners about a chat run change failed")
