"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info

from ruri.errors import Unauthenticated
from ruri.services.auth import UserData
from ruri.services.container import Services


UNAUTHENTICATED_MESSAGE = "Not logged in or the session expired; log in with POST /api/auth/login"


@dataclass
class CookieChange:
    """A change to the `session` cookie that the HTTP layer applies to its response."""

    token: str | None
    max_age: int | None = None


@dataclass
class RuriContext:
    services: Services
    client: str
    token: str | None = None
    user: UserData | None = None
    session_id: str | None = None
    secure: bool = False
    cookie_changes: list[CookieChange] = field(default_factory=list)
    # The aiohttp response of a GraphQL HTTP request; None on the REST door and on WebSockets.
    response: Any = None
    # The `connection_init` payload of a GraphQL WebSocket; Strawberry fills it in.
    connection_params: dict[str, Any] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # DataLoaders of the running operation; `schema.loaders.RequestLoaders` replaces them.
    loaders: Any = None

    def change_session_cookie(self, token: str | None, max_age: int | None = None) -> None:
        """Set (token) or clear (None) the session cookie on whichever response carries it."""
        change = CookieChange(token=token, max_age=max_age)
        self.cookie_changes.append(change)
        if self.response is not None:
            apply_cookie_change(self.response, change, secure=self.secure)

    def require_user(self) -> UserData:
        if self.user is None:
            raise Unauthenticated(UNAUTHENTICATED_MESSAGE)
        return self.user


def ctx(info: Info) -> RuriContext:
    return info.context


SESSION_COOKIE = "session"


def apply_cookie_change(response: Any, change: CookieChange, *, secure: bool) -> None:
    if change.token is None:
        response.set_cookie(
            SESSION_COOKIE, "", path="/", max_age=0, httponly=True, samesite="Lax", secure=secure
        )
        return
    response.set_cookie(
        SESSION_COOKIE,
        change.token,
        path="/",
        max_age=change.max_age,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
