"""Turn pydantic validation errors into one `BadRequest` that names the field and the fix."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ruri.errors import BadRequest

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_input(model: type[ModelT], data: dict) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise bad_request_from(exc) from exc


def bad_request_from(exc: ValidationError) -> BadRequest:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "body"
    message = first["msg"]
    if first["type"] == "missing":
        message = "is required"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    elif first["type"] in ("too_long", "too_short") and isinstance(first["input"], str):
        message = _string_length_message(first["type"], first["ctx"])
    return BadRequest(f"Invalid field '{field}': {message}", field=field)


def _string_length_message(error_type: str, context: dict) -> str:
    """Word a length error on a string the way pydantic words `string_too_long`.

    Pydantic (2.14) checks `max_length` on `FreeText | None` and `IdentifierText | None` with its
    generic length check, because the cleaning validator in `ruri/services/text.py` wraps the
    `str` schema, and that check's message reads "Value should have at most 500 items".
    """
    if error_type == "too_long":
        limit = context["max_length"]
        return f"String should have at most {limit} character{'s' if limit != 1 else ''}"
    limit = context["min_length"]
    return f"String should have at least {limit} character{'s' if limit != 1 else ''}"
