"""Remove secrets from log text before it is buffered or sent to a subscriber."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

REDACTED = "[redacted]"

# Shorter values would match ordinary words in log text.
MIN_SECRET_CHARS = 8
# Enough for every stored key, env value, header and token of a real install; the oldest go first.
MAX_SECRETS = 2000

# Provider keys such as `sk-...`, `sk-proj-...` and `sk-ant-...`.
_PROVIDER_KEY = re.compile(r"\bsk-[A-Za-z0-9_-]{6,}")
# `Authorization: <scheme> <credentials>` headers (or their repr) and bare `Bearer <token>`.
_AUTHORIZATION = re.compile(
    r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?)(?:[A-Za-z]+\s+)?[^\s\"',;}]+"
)
_BEARER = re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]+")
# `password=...`, `"token": "..."`, `session=...` (cookies) and similar key/value pairs.
_SECRET_PAIR = re.compile(
    r"(?i)(\b(?:password|passwd|pwd|old_password|new_password|secret|client_secret|token"
    r"|access_token|refresh_token|api[_-]?key|session|cookie)[\"']?\s*[:=]\s*[\"']?)"
    r"[^\s\"',;&}]+"
)
# The user-info of a URL (`https://user:password@host/...`, or a bare token before the `@`).
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#@\"']+@")
# Long opaque strings such as session tokens (`secrets.token_urlsafe(32)` has 43 characters).
_OPAQUE_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])")
# Stored password hashes such as `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>`.
_ARGON2_HASH = re.compile(
    r"\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/=]+(?:\$[A-Za-z0-9+/=]+)?"
)


class SecretValues:
    """A bounded set of the secret values the server stores, replaced wherever they appear.

    The patterns above catch only secrets that look like secrets or follow a telling name, so a
    key such as `zz...` inside SQL parameters needs its exact value. Values are added rarely and
    text is redacted often, so the pattern is compiled once per change, on the next redact.
    """

    def __init__(self, limit: int = MAX_SECRETS) -> None:
        self._limit = limit
        # A dict keeps insertion order, so the oldest value is dropped first when full.
        self._values: dict[str, None] = {}
        self._pattern: re.Pattern[str] | None = None
        self._stale = False
        self._lock = threading.Lock()

    def add(self, values: Iterable[object]) -> None:
        with self._lock:
            for value in values:
                if not isinstance(value, str) or len(value) < MIN_SECRET_CHARS:
                    continue
                # Reprs of SQL parameters and tracebacks escape quotes and backslashes.
                for form in {value, repr(value)[1:-1]}:
                    self._values.pop(form, None)
                    self._values[form] = None
                    self._stale = True
            while len(self._values) > self._limit:
                del self._values[next(iter(self._values))]

    def redact(self, text: str) -> str:
        pattern = self._current_pattern()
        return pattern.sub(REDACTED, text) if pattern else text

    def _current_pattern(self) -> re.Pattern[str] | None:
        if not self._stale:
            return self._pattern
        with self._lock:
            if self._stale:
                # Longer values come first, so a value that contains another is replaced whole.
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
                self._stale = False
            return self._pattern


known_secrets = SecretValues()


def remember_secrets(*values: object) -> None:
    """Redact these values (strings of 8 characters or more) from every later log record."""
    known_secrets.add(values)


def _redact_opaque(match: re.Match[str]) -> str:
    text = match.group(0)
    # Only strings that mix letters and digits look like tokens; long words and rules do not.
    if any(char.isdigit() for char in text) and any(char.isalpha() for char in text):
        return REDACTED
    return text


def redact(text: str) -> str:
    """Return `text` with provider keys, session tokens, credentials and passwords replaced."""
    text = known_secrets.redact(text)
    text = _ARGON2_HASH.sub(REDACTED, text)
    text = _PROVIDER_KEY.sub(REDACTED, text)
    text = _URL_CREDENTIALS.sub(r"\1" + REDACTED + "@", text)
    text = _AUTHORIZATION.sub(r"\1" + REDACTED, text)
    text = _BEARER.sub(r"\1" + REDACTED, text)
    text = _SECRET_PAIR.sub(r"\1" + REDACTED, text)
    return _OPAQUE_TOKEN.sub(_redact_opaque, text)


class RedactingFormatter(logging.Formatter):
    """A formatter for console and file handlers that removes secrets like the live log does."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
