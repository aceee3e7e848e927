"""The hint shown in place of a stored secret (provider API keys, platform tokens)."""

from __future__ import annotations

# Below this length even a few revealed characters are a large share of the secret.
MIN_HINT_LENGTH = 16


def secret_hint(value: str) -> str | None:
    """Return `abc…wxyz` (a 3-character ASCII prefix, then the last 4), or None below 16 characters.

    A non-ASCII prefix is left out: the prefix exists to show a key's kind (`sk-`), and those
    prefixes are ASCII.
    """
    if len(value) < MIN_HINT_LENGTH:
        return None
    prefix = value[:3] if value[:3].isascii() else ""
    return f"{prefix}…{value[-4:]}"
