"""Register the REST routes, the OpenAPI document and the JSON error handling for `/api`."""

from __future__ import annotations

import logging
import uuid

from aiohttp import web

from rest_compat.handler import RouteHandler
from rest_compat.openapi import build_openapi
from rest_compat.operations import load_operations
from rest_compat.responses import error_response, json_response
from rest_compat.routes import ROUTES, Route
from rest_compat.uploads import read_upload
from rest_compat.ws_logs import setup_logs_socket
from ruri.errors import RuriError
from schema.view import context_for_request

logger = logging.getLogger(__name__)

API_PREFIX = "/api"

_STATUS_MESSAGES = {
    404: "Not found: no API route at this path",
    405: "Method not allowed on this path",
    413: "Request body too large",
    415: "Unsupported content type; send application/json",
}


def setup_rest(app: web.Application, schema, routes: list[Route] = ROUTES) -> None:
    operations = load_operations(schema._schema)
    for route in routes:
        if route.operation not in operations:
            raise ValueError(f"Route {route.method} {route.path} names unknown operation {route.operation}")
        upload_reader = read_upload if route.upload_var else None
        handler = RouteHandler(schema, route, operations[route.operation], upload_reader)
        # A bound coroutine method, because aiohttp deprecates plain callables as handlers.
        if route.method == "GET":
            # `add_get` also registers HEAD, which HTTP expects wherever GET works.
            app.router.add_get(route.path, handler.handle, name=route.operation)
        else:
            app.router.add_route(route.method, route.path, handler.handle, name=route.operation)

    document = build_openapi(routes, operations, schema._schema)
    # WS /api/ws/logs adapts the `logs` subscription; it is not a row of the route table.
    setup_logs_socket(app, schema, operations, document)

    async def openapi(request: web.Request) -> web.Response:
        # The document lists every route and field, so it needs a session like the routes do.
        context = await context_for_request(request)
        try:
            context.require_user()
        except RuriError as exc:
            return error_response(exc.http_status, exc.message)
        return json_response(document)

    app.router.add_get(f"{API_PREFIX}/openapi.json", openapi)


@web.middleware
async def api_errors(request: web.Request, handler) -> web.StreamResponse:
    """Give every failure under `/api` the `{"error": ...}` body, whatever raised it.

    `create_app` lists this middleware before the request checks, so their rejections (a
    cross-site write, for example) get the JSON body too. Unknown paths and wrong methods raise
    in aiohttp's router and arrive here as `HTTPException`.
    """
    if not request.path.startswith(API_PREFIX + "/") and request.path != API_PREFIX:
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = _STATUS_MESSAGES.get(exc.status, exc.reason)
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return error_response(exc.status, message, headers)
    except Exception:
        error_id = uuid.uuid4().hex[:12]
        logger.exception("Unexpected error %s on %s %s", error_id, request.method, request.path)
        return error_response(500, f"Internal error (id {error_id}); the server log has the details")
