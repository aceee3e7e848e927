"""Helpers that carry Strawberry inputs into the services as plain dictionaries."""

from __future__ import annotations

import dataclasses
from typing import Any

from strawberry import UNSET


def input_dict(value: Any) -> dict[str, Any]:
    """Return the fields a client sent, by Python (snake_case) name; unset and null are left out."""
    if value is None or value is UNSET:
        return {}
    return {
        item.name: getattr(value, item.name)
        for item in dataclasses.fields(value)
        if getattr(value, item.name) is not UNSET and getattr(value, item.name) is not None
    }


def args_dict(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not UNSET and value is not None}
