"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info

from ruri.errors import Forbidden, Unauthenticated
from ruri.services.auth import UserData
from ruri.services.container import Services


UNAUTHENTICATED_MESSAGE = "Not logged in or the session expired; log in with POST /api/auth/login"
DEFAULT_PASSWORD_MESSAGE = (
    "The default password is still set and the server listens on a public address; "
    "change the password first (POST /api/auth/change-password)"
)


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

    def require_login(self) -> UserData:
        """Return the session's user, or raise `Unauthenticated` without a live session."""
        if self.user is None:
            raise Unauthenticated(UNAUTHENTICATED_MESSAGE)
        return self.user

    def require_user(self) -> UserData:
        """Return the session's user, also raising `Forbidden` while the default password blocks use.

        The rule applies only when the server listens on a non-loopback address. Subscription
        resolvers call this themselves, because the schema's guard cannot stop a subscription.
        NOTE: a WebSocket reads `user` once at connect, so it sees a password change only after
        the client reconnects.
        """
        user = self.require_login()
        if user.must_change_password and not self.services.settings.is_loopback_only:
            raise Forbidden(DEFAULT_PASSWORD_MESSAGE)
        return user


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
