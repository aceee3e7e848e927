"""Run a route's operation: request -> variables -> schema.execute -> response."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from strawberry.utils.str_converters import to_camel_case

from rest_compat.operations import Operation
from rest_compat.responses import error_response, json_response, response_for_error
from rest_compat.routes import Route
from ruri.http.json_body import InvalidJSONError, decode_json_body
from schema.context import UNAUTHENTICATED_MESSAGE, apply_cookie_change
from schema.view import context_for_request

logger = logging.getLogger(__name__)

JSON_TYPES = ("application/json",)


class RequestProblem(Exception):
    """A request the REST door cannot turn into variables; carries the answer to send."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _parse_scalar(param: str, raw: str, graphql_type: str) -> Any:
    base = graphql_type.rstrip("!")
    try:
        if base == "Int":
            return int(raw)
        if base == "Float":
            return float(raw)
    except ValueError:
        raise RequestProblem(400, f"Invalid query parameter '{param}': must be a number") from None
    if base == "Boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise RequestProblem(400, f"Invalid query parameter '{param}': must be true or false")
        return raw.lower() in ("true", "1")
    return raw


async def _read_json_object(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    if request.content_type not in JSON_TYPES:
        raise RequestProblem(415, f"Unsupported content type '{request.content_type}'; send application/json")
    try:
        body = decode_json_body(raw)
    except InvalidJSONError as exc:
        raise RequestProblem(400, f"Invalid JSON body: {exc}") from None
    if not isinstance(body, dict):
        raise RequestProblem(400, "Invalid JSON body: expected an object")
    return body


def _input_from_body(body: dict[str, Any], input_fields: set[str]) -> dict[str, Any]:
    """Rename snake_case keys to the input type's names; unknown keys are dropped."""
    renamed = {to_camel_case(key): value for key, value in body.items() if isinstance(key, str)}
    return {key: value for key, value in renamed.items() if key in input_fields}


class RouteHandler:
    def __init__(self, schema, route: Route, operation: Operation, upload_reader=None) -> None:
        self._schema = schema
        self._route = route
        self._operation = operation
        self._input_fields = self._input_field_names()
        self._upload_reader = upload_reader

    def _input_field_names(self) -> set[str]:
        if not self._route.body_var:
            return set()
        type_name = self._operation.variable_types[self._route.body_var].rstrip("!")
        return set(self._schema._schema.get_type(type_name).fields)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        context = await context_for_request(request)
        if not self._route.public and context.user is None:
            # Checked before the body is read, so an anonymous client cannot make the server
            # buffer an upload; the schema's guard makes the same check again.
            return error_response(401, UNAUTHENTICATED_MESSAGE)
        try:
            variables = await self._variables(request)
        except RequestProblem as problem:
            return error_response(problem.status, problem.message)

        result = await self._schema.execute(
            self._operation.source,
            variable_values=variables,
            context_value=context,
            operation_name=self._operation.name,
        )
        if result.errors:
            return response_for_error(result.errors[0])

        body = result.data if self._route.result is None else result.data[self._route.result]
        response = json_response(body, self._route.status)
        for change in context.cookie_changes:
            apply_cookie_change(response, change, secure=context.secure)
        return response

    async def _variables(self, request: web.Request) -> dict[str, Any]:
        route = self._route
        types = self._operation.variable_types
        variables: dict[str, Any] = {
            variable: request.match_info[param] for param, variable in route.path_vars.items()
        }
        for param, variable in route.query_vars.items():
            if param in request.query:
                variables[variable] = _parse_scalar(param, request.query[param], types[variable])
        if route.body_var:
            variables[route.body_var] = _input_from_body(await _read_json_object(request), self._input_fields)
        if route.upload_var:
            variables[route.upload_var] = await self._upload_reader(request)
        return variables
