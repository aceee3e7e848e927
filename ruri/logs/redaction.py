"""Remove secrets from log text before it is buffered or sent to a subscriber."""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

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


def _redact_opaque(match: re.Match[str]) -> str:
    text = match.group(0)
    # Only strings that mix letters and digits look like tokens; long words and rules do not.
    if any(char.isdigit() for char in text) and any(char.isalpha() for char in text):
        return REDACTED
    return text


def redact(text: str) -> str:
    """Return `text` with provider keys, session tokens, credentials and passwords replaced."""
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
