"""Validate, merge and mask the `config` object of a platform.

Secrets are returned as two keys instead of the value: `<field>_set` (true when a non-empty value
is stored) and `<field>_hint` (`ruri.services.secret_hint`: null below 16 characters, otherwise
a 3-character prefix, `…` and the last four). A secret sent back as its hint or as a run of `*`
keeps the stored value, so a form that round-trips the config it read never overwrites a
credential.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel, create_model

from ruri.platforms.models import CONFIG_MODELS, PlatformConfig, PlatformType
from ruri.services.secret_hint import secret_hint
from ruri.services.validation import parse_input

MASK = re.compile(r"\*+")


@cache
def _envelope(model: type[PlatformConfig]) -> type[BaseModel]:
    # Validating `{"config": ...}` makes every error location start with `config.`.
    return create_model(f"{model.__name__}Envelope", config=(model, ...))


def validate_config(platform_type: PlatformType, config: dict[str, Any]) -> dict[str, Any]:
    """Return the config as stored: every field of the type's model, unknown keys dropped."""
    model = CONFIG_MODELS[platform_type]
    envelope = parse_input(_envelope(model), {"config": config})
    return envelope.config.model_dump(mode="json")


def _is_masked(value: Any, stored: Any) -> bool:
    if not isinstance(value, str):
        return False
    if MASK.fullmatch(value):
        return True
    return isinstance(stored, str) and value == secret_hint(stored)


def merge_config(
    platform_type: PlatformType, stored: dict[str, Any], incoming: dict[str, Any]
) -> dict[str, Any]:
    """Apply the keys a client sent onto the stored config, before validation.

    A key sent as null is removed, so the field returns to its default (or is reported missing
    when it has none). Keys that were not sent keep their stored values.
    """
    model = CONFIG_MODELS[platform_type]
    secrets = set(model.secret_fields())
    merged = dict(stored)
    for key, value in _rename_aliases(model, incoming).items():
        if value is None:
            merged.pop(key, None)
        elif key in secrets and _is_masked(value, stored.get(key)):
            continue
        else:
            merged[key] = value
    return merged


def _rename_aliases(model: type[PlatformConfig], incoming: dict[str, Any]) -> dict[str, Any]:
    renamed = {key: value for key, value in incoming.items() if key not in model.ALIASES}
    for alias, name in model.ALIASES.items():
        if alias in incoming and name not in incoming:
            renamed[name] = incoming[alias]
    return renamed


def public_config(platform_type: PlatformType, config: dict[str, Any]) -> dict[str, Any]:
    """Return the config a client may see: secrets become `<field>_set` and `<field>_hint`."""
    model = CONFIG_MODELS[platform_type]
    secrets = set(model.secret_fields())
    public: dict[str, Any] = {}
    for name in model.model_fields:
        value = config.get(name)
        if name in secrets:
            public[f"{name}_set"] = bool(value)
            public[f"{name}_hint"] = secret_hint(value) if isinstance(value, str) else None
        else:
            public[name] = value
    return public
