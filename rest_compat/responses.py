"""JSON bodies for REST answers, and the mapping from GraphQL error codes to HTTP statuses."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web
from graphql import GraphQLError

from ruri.errors import HTTP_STATUS_BY_CODE

# graphql-core words a variable error as "Variable '$input' has invalid value at .apiUrl: <why>".
_VARIABLE_ERROR = re.compile(r"^Variable '\$\w+' has invalid value at \.([A-Za-z0-9_.\[\]]+): (.*)$", re.S)


def json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_response(body: Any, status: int = 200) -> web.Response:
    if status == 204:
        return web.Response(status=204)
    return web.Response(text=json_dumps(body), status=status, content_type="application/json")


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        text=json_dumps({"error": message}),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def response_for_error(error: GraphQLError) -> web.Response:
    """Answer one GraphQL error with the status its code maps to."""
    extensions = error.extensions or {}
    code = extensions.get("code", "INTERNAL")
    status = HTTP_STATUS_BY_CODE.get(code, 500)
    headers = None
    if "retryAfter" in extensions:
        headers = {"Retry-After": str(extensions["retryAfter"])}
    return error_response(status, _rest_message(error.message), headers)


def _rest_message(message: str) -> str:
    """Name a field the way REST clients sent it: snake_case, in the usual wording."""
    match = _VARIABLE_ERROR.match(message)
    if match is None:
        return message
    path = re.sub(r"[A-Za-z][A-Za-z0-9]*", lambda name: _snake(name.group(0)), match.group(1))
    return f"Invalid field '{path}': {match.group(2)}"
