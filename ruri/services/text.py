"""Text rules shared by every input model.

Free text (message content, titles) is cleaned: NUL characters are dropped and lone UTF-16
surrogates, which cannot be stored as UTF-8, become U+FFFD. Identifiers (names, usernames, ids)
are rejected instead, because silently changing a name would change what it refers to.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_free_text(value: str) -> str:
    return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def check_identifier_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if _SURROGATE.search(value):
        raise ValueError("must be valid Unicode (it contains a lone surrogate)")
    if value != value.strip():
        raise ValueError("must not start or end with whitespace")
    return value


def _before(check):
    # Runs before pydantic's own `str` check, which rejects lone surrogates outright.
    def validate(value):
        return check(value) if isinstance(value, str) else value

    return BeforeValidator(validate)


FreeText = Annotated[str, _before(clean_free_text)]
IdentifierText = Annotated[str, _before(check_identifier_text)]
