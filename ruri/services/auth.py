"""Users, login sessions and login throttling."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from pydantic import BaseModel, Field
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from ruri.config import Settings
from ruri.db.models import SessionRow, UserRow
from ruri.db.types import utcnow
from ruri.errors import BadRequest, Conflict, Unauthenticated
from ruri.services.text import IdentifierText
from ruri.services.throttle import LoginThrottle
from ruri.services.validation import parse_input

logger = logging.getLogger(__name__)

DEFAULT_USERNAME = "ruri"
DEFAULT_PASSWORD = "ruri"
MIN_PASSWORD_LENGTH = 8



@dataclass(frozen=True)
class UserData:
    id: str
    username: str
    must_change_password: bool


@dataclass(frozen=True)
class LoginResult:
    token: str
    user: UserData
    max_age_seconds: int | None


class LoginInput(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    remember_me: bool = False


class ChangePasswordInput(BaseModel):
    old_password: str = Field(max_length=1000)
    new_password: IdentifierText = Field(max_length=1000)


class ChangeUsernameInput(BaseModel):
    new_username: IdentifierText = Field(max_length=64)


# Verification reads the cost parameters from the stored hash, so one verifier serves all.
_VERIFIER = PasswordHasher()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_data(row: UserRow) -> UserData:
    return UserData(id=row.id, username=row.username, must_change_password=row.must_change_password)


async def _delete_sessions(session, *conditions) -> list[str]:
    """Delete the matching sessions and return their ids (without DELETE ... RETURNING)."""
    ids = list(await session.scalars(select(SessionRow.id).where(*conditions)))
    if ids:
        await session.execute(delete(SessionRow).where(SessionRow.id.in_(ids)))
    return ids


def _verify_password(password_hash: str, password: str) -> bool:
    try:
        return _VERIFIER.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


class AuthService:
    def __init__(self, db: async_sessionmaker, settings: Settings) -> None:
        self._db = db
        self._settings = settings
        self.throttle = LoginThrottle(settings.login_max_failures, settings.login_window_seconds)
        # A hash to verify against when the username is unknown, so that both failures cost
        # the same time and cannot be told apart.
        # Argon2id with the library's defaults unless settings lower the cost (the tests do).
        self._hasher = PasswordHasher(
            time_cost=settings.password_hash_time_cost,
            memory_cost=settings.password_hash_memory_kib,
        )
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))
        # Called on the event loop with the ids of sessions that ended (logout, password
        # change, expiry), so that open WebSockets of those sessions close.
        self.session_listeners: list[Callable[[list[str]], None]] = []

    def _sessions_ended(self, session_ids: list[str]) -> None:
        if not session_ids:
            return
        for listener in self.session_listeners:
            try:
                listener(session_ids)
            except Exception:
                logger.exception("Session-end listener %r failed", listener)

    async def seed_default_user(self) -> None:
        """Create `ruri`/`ruri` when the database has no user yet."""
        async with self._db.begin() as session:
            if await session.scalar(select(UserRow.id).limit(1)) is not None:
                return
            session.add(
                UserRow(
                    username=DEFAULT_USERNAME,
                    password_hash=self._hasher.hash(DEFAULT_PASSWORD),
                    must_change_password=True,
                )
            )
        logger.info("Created the default user '%s'; change its password on first login", DEFAULT_USERNAME)

    async def login(self, data: dict, client: str) -> LoginResult:
        payload = parse_input(LoginInput, data)
        self.throttle.check(client)
        async with self._db.begin() as session:
            row = await session.scalar(select(UserRow).where(UserRow.username == payload.username))
            valid = _verify_password(row.password_hash if row else self._dummy_hash, payload.password)
            if row is None or not valid:
                self.throttle.record_failure(client)
                logger.warning("Failed login for username %r from %s", payload.username[:64], client)
                raise Unauthenticated("Invalid username or password")
            token, max_age = self._new_session(session, row.id, payload.remember_me)
            user = _user_data(row)
        self.throttle.reset(client)
        logger.info("User %s logged in from %s", user.id, client)
        return LoginResult(token=token, user=user, max_age_seconds=max_age)

    def _new_session(self, session, user_id: str, remember_me: bool) -> tuple[str, int | None]:
        token = secrets.token_urlsafe(32)
        if remember_me:
            lifetime = timedelta(days=self._settings.remember_me_days)
        else:
            lifetime = timedelta(hours=self._settings.session_hours)
        session.add(
            SessionRow(
                token_hash=hash_token(token),
                user_id=user_id,
                remember_me=remember_me,
                expires_at=utcnow() + lifetime,
            )
        )
        return token, int(lifetime.total_seconds()) if remember_me else None

    async def user_for_token(self, token: str | None) -> tuple[UserData, str] | None:
        """Return the user and session id for a live token, or None."""
        if not token or len(token) > 200:
            return None
        async with self._db() as session:
            result = await session.execute(
                select(UserRow, SessionRow.id)
                .join(SessionRow, SessionRow.user_id == UserRow.id)
                .where(SessionRow.token_hash == hash_token(token), SessionRow.expires_at > utcnow())
            )
            found = result.first()
        if found is None:
            return None
        return _user_data(found[0]), found[1]

    async def logout(self, token: str | None) -> None:
        if not token:
            return
        async with self._db.begin() as session:
            ended = await _delete_sessions(session, SessionRow.token_hash == hash_token(token))
        self._sessions_ended(ended)

    async def get_user(self, user_id: str) -> UserData:
        async with self._db() as session:
            row = await session.get(UserRow, user_id)
        if row is None:
            raise Unauthenticated("Session user no longer exists; log in again")
        return _user_data(row)

    async def change_password(self, user_id: str, session_id: str, data: dict) -> UserData:
        """Set a new password and end every other session of the user."""
        payload = parse_input(ChangePasswordInput, data)
        if len(payload.new_password) < MIN_PASSWORD_LENGTH:
            raise BadRequest(
                f"Invalid field 'new_password': must have at least {MIN_PASSWORD_LENGTH} characters",
                field="new_password",
            )
        if payload.new_password == payload.old_password:
            raise BadRequest(
                "Invalid field 'new_password': must differ from the old password",
                field="new_password",
            )
        async with self._db.begin() as session:
            row = await session.get(UserRow, user_id)
            if row is None or not _verify_password(row.password_hash, payload.old_password):
                raise BadRequest("Invalid field 'old_password': does not match", field="old_password")
            row.password_hash = self._hasher.hash(payload.new_password)
            row.must_change_password = False
            row.updated_at = utcnow()
            ended = await _delete_sessions(
                session, SessionRow.user_id == user_id, SessionRow.id != session_id
            )
            user = _user_data(row)
        self._sessions_ended(ended)
        logger.info("User %s changed the password; other sessions ended", user_id)
        return user

    async def change_username(self, user_id: str, data: dict) -> UserData:
        payload = parse_input(ChangeUsernameInput, data)
        if not payload.new_username:
            raise BadRequest("Invalid field 'new_username': must not be empty", field="new_username")
        try:
            async with self._db.begin() as session:
                row = await session.get(UserRow, user_id)
                if row is None:
                    raise Unauthenticated("Session user no longer exists; log in again")
                row.username = payload.new_username
                row.updated_at = utcnow()
                await session.flush()
                user = _user_data(row)
        except IntegrityError as exc:
            raise Conflict(
                f"Username '{payload.new_username}' is taken; choose another", field="new_username"
            ) from exc
        logger.info("User %s changed the username", user_id)
        return user

    async def session_exists(self, session_id: str) -> bool:
        async with self._db() as session:
            return await session.get(SessionRow, session_id) is not None

    async def remove_expired_sessions(self, now: datetime | None = None) -> int:
        async with self._db.begin() as session:
            ended = await _delete_sessions(session, SessionRow.expires_at <= (now or utcnow()))
        if ended:
            logger.info("Removed %d expired sessions", len(ended))
        self._sessions_ended(ended)
        return len(ended)
