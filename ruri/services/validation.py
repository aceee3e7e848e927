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
    return BadRequest(f"Invalid field '{field}': {message}", field=field)
