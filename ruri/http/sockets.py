"""Open WebSockets by login session, so that a session that ends closes its sockets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

from aiohttp import WSCloseCode

logger = logging.getLogger(__name__)

# Application close code (4000-4999 are free for applications): the session behind the socket
# ended (logout, password change or expiry), so the client must log in again.
SESSION_ENDED_CODE = 4401
SESSION_ENDED_REASON = b"Session ended; log in again"


class ClosableSocket(Protocol):
    """An aiohttp `WebSocketResponse`, or a GraphQL protocol handler that stops its operations."""

    async def close(self, *, code: int, message: bytes) -> object: ...


class SocketRegistry:
    def __init__(self) -> None:
        self._by_session: dict[str, set[ClosableSocket]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def add(self, session_id: str, socket: ClosableSocket) -> None:
        self._by_session.setdefault(session_id, set()).add(socket)

    def discard(self, session_id: str | None, socket: ClosableSocket) -> None:
        sockets = self._by_session.get(session_id or "")
        if sockets is None:
            return
        sockets.discard(socket)
        if not sockets:
            del self._by_session[session_id]

    async def close_all(self) -> None:
        """Close every registered socket with 1001 (going away), as the server stops."""
        sockets = [socket for group in self._by_session.values() for socket in group]
        self._by_session.clear()
        for socket in sockets:
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutting down")

    def count(self, session_id: str) -> int:
        return len(self._by_session.get(session_id, ()))

    def count_all(self) -> int:
        return sum(len(sockets) for sockets in self._by_session.values())

    def sessions_ended(self, session_ids: Iterable[str]) -> None:
        """Close every socket of the ended sessions; called by the auth service on the loop."""
        for session_id in session_ids:
            sockets = self._by_session.pop(session_id, set())
            for socket in sockets:
                task = asyncio.get_running_loop().create_task(
                    socket.close(code=SESSION_ENDED_CODE, message=SESSION_ENDED_REASON),
                    name=f"close-socket-{session_id}",
                )
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)
            if sockets:
                logger.info("Closed %d WebSockets of ended session %s", len(sockets), session_id)
