"""Redacting stored secret values and Argon2 hashes, and the library log levels."""

from __future__ import annotations

import logging
import uuid

import pytest

from ruri.logs.libraries import LIBRARY_FLOORS, restore_library_levels, set_library_levels
from ruri.logs.redaction import REDACTED, SecretValues, redact, remember_secrets

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


def value() -> str:
    return f"plain{uuid.uuid4().hex[:10]}"


def test_secret_values_replaced():
    secret = value()
    remember_secrets(secret)
    assert redact(f"params ('{secret}', 1)") == f"params ('{REDACTED}', 1)"


def test_secret_values_short_kept():
    remember_secrets("short7!")
    assert redact("a short7! b") == "a short7! b"


def test_secret_values_non_text_ignored():
    values = SecretValues()
    values.add([None, 12345678, b"bytes-value"])
    assert values.redact("12345678 bytes-value") == "12345678 bytes-value"


def test_secret_values_repr_form():
    values = SecretValues()
    values.add(["back\\slash-value"])
    assert values.redact(repr(["back\\slash-value"])) == f"['{REDACTED}']"


def test_secret_values_longest_first():
    values = SecretValues()
    values.add(["abcdefgh", "abcdefgh-longer"])
    assert values.redact("x abcdefgh-longer y") == f"x {REDACTED} y"


def test_secret_values_oldest_dropped():
    values = SecretValues(limit=2)
    values.add(["first-value", "second-value", "third-value"])
    assert values.redact("first-value") == "first-value"


def test_secret_values_newest_kept():
    values = SecretValues(limit=2)
    values.add(["first-value", "second-value", "third-value"])
    assert values.redact("third-value") == REDACTED


def test_secret_values_added_later():
    values = SecretValues()
    values.add(["first-value"])
    values.redact("warm the pattern")
    values.add(["second-value"])
    assert values.redact("second-value") == REDACTED


def test_argon2_hash_replaced():
    assert redact(f"row ('ruri', '{HASH}', 1)") == f"row ('ruri', '{REDACTED}', 1)"


@pytest.fixture
def library_levels():
    before = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    yield
    restore_library_levels(before)


def test_library_levels_floor_at_debug(library_levels):
    set_library_levels(logging.DEBUG, library_debug=False)
    assert logging.getLogger("aiosqlite").level == logging.WARNING


def test_library_levels_payload_loggers_at_info(library_levels):
    set_library_levels(logging.DEBUG, library_debug=False)
    assert {logging.getLogger(name).level for name in ("openai", "httpcore2", "mcp")} == {logging.INFO}


def test_library_levels_follow_when_asked(library_levels):
    set_library_levels(logging.DEBUG, library_debug=True)
    assert logging.getLogger("sqlalchemy.engine").level == logging.DEBUG


def test_library_levels_above_floor_kept(library_levels):
    set_library_levels(logging.ERROR, library_debug=False)
    assert logging.getLogger("mcp").level == logging.ERROR


def test_library_levels_restored(library_levels):
    before = logging.getLogger("aiosqlite").level
    restore_library_levels(set_library_levels(logging.DEBUG, library_debug=False))
    assert logging.getLogger("aiosqlite").level == before
