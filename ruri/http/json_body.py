"""Decode JSON request bodies the same way in the REST door and the GraphQL view."""

from __future__ import annotations

import json
from typing import NoReturn


class InvalidJSONError(ValueError):
    """A body that is not strict JSON; the message is safe to show to the client."""


def _reject_constant(name: str) -> NoReturn:
    raise InvalidJSONError(f"{name} is not a JSON value")


def decode_json_body(data: str | bytes) -> object:
    """Parse `data` as strict JSON, or raise `InvalidJSONError`.

    `json.loads` accepts NaN and Infinity and raises RecursionError on deeply nested arrays
    and ValueError on integers longer than `sys.get_int_max_str_digits()` (4300 by default).
    All of these are client errors, so they become `InvalidJSONError`.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, parse_constant=_reject_constant)
    except InvalidJSONError:
        raise
    except RecursionError:
        raise InvalidJSONError("nested too deeply") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidJSONError(str(exc)) from None
    except ValueError:
        # Python raises a plain ValueError for an integer over the digit limit.
        raise InvalidJSONError("a number has too many digits") from None
