"""`WS /api/ws/logs`: the log subscription as one JSON text frame per record.

The route only adapts: it runs the fixed `Logs` operation (the `logBatches` form of the `logs`
subscription) through `schema.subscribe` with the same context as every other route, so
filtering, buffering and backpressure are the log service's. A notice that records were dropped becomes `{"type": "missed", "count": N, ...}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import WSMsgType, web

from rest_compat.operations import Operation
from rest_compat.responses import error_response, json_dumps
from ruri.errors import RuriError
from ruri.http.security import is_cross_site
from schema.guard import check_root_field
from schema.view import HEARTBEAT_SECONDS, SERVICES_KEY, context_for_request

logger = logging.getLogger(__name__)

PATH = "/api/ws/logs"
OPERATION = "Logs"
# Close code when the subscription fails after the upgrade (1011: internal error).
STREAM_FAILED_CODE = 1011


def frame_for(record: dict[str, Any]) -> dict[str, Any]:
    """Turn one `logs` result into the frame sent to the client."""
    dropped = record.pop("dropped", None)
    if dropped is None:
        return record
    return {"type": "missed", "count": dropped, **record}


async def _read_until_closed(socket: web.WebSocketResponse) -> None:
    """Consume client frames so pings, pongs and the close handshake are processed."""
    async for message in socket:
        if message.type == WSMsgType.ERROR:
            return


class LogsSocket:
    def __init__(self, schema, operation: Operation) -> None:
        self._schema = schema
        self._operation = operation

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if is_cross_site(request):
            logger.warning(
                "Rejected cross-site WebSocket to %s from origin %s",
                PATH,
                request.headers.get("Origin"),
            )
            return error_response(403, "Cross-site WebSocket rejected: the Origin is another site")
        context = await context_for_request(request)
        params = {key: request.query[key] for key in ("level", "since") if key in request.query}
        try:
            check_root_field(context, "logBatches")
            parsed = context.services.logs.parse_follow(params)
        except RuriError as exc:
            return error_response(exc.http_status, exc.message)
        variables = {"level": parsed.level, "since": parsed.since}

        # Per-message deflate costs more CPU per small record frame than it saves on loopback
        # and LAN links, so the log socket does not offer it.
        socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, compress=False)
        if not socket.can_prepare(request).ok:
            return error_response(400, "Expected a WebSocket upgrade request on this path")
        await socket.prepare(request)

        sockets = request.app[SERVICES_KEY].sockets
        sockets.add(context.session_id, socket)
        try:
            await self._stream(socket, context, variables)
        finally:
            sockets.discard(context.session_id, socket)
            await socket.close()
        return socket

    async def _stream(self, socket: web.WebSocketResponse, context, variables: dict) -> None:
        results = await self._schema.subscribe(
            self._operation.source,
            variable_values=variables,
            context_value=context,
            operation_name=OPERATION,
        )
        if not hasattr(results, "__aiter__"):
            await self._fail(socket, results.errors)
            return
        reader = asyncio.create_task(_read_until_closed(socket), name="ws-logs-reader")
        sender = asyncio.create_task(self._send_all(socket, results), name="ws-logs-sender")
        try:
            await asyncio.wait({reader, sender}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, sender):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                    await task
            with contextlib.suppress(Exception):
                await results.aclose()

    async def _send_all(self, socket: web.WebSocketResponse, results) -> None:
        async for result in results:
            if result.errors:
                await self._fail(socket, result.errors)
                return
            for record in result.data["logBatches"]:
                await socket.send_str(json_dumps(frame_for(record)))

    async def _fail(self, socket: web.WebSocketResponse, errors) -> None:
        message = errors[0].message if errors else "The log stream failed"
        with contextlib.suppress(ConnectionError):
            await socket.send_str(json.dumps({"type": "error", "error": message}))
        await socket.close(code=STREAM_FAILED_CODE, message=message[:120].encode())


def openapi_paths() -> dict[str, Any]:
    """Describe the route for the OpenAPI document, which has no WebSocket object."""
    return {
        PATH: {
            "get": {
                "operationId": "followLogs",
                "summary": "Follow the server log over a WebSocket",
                "tags": ["logs"],
                "description": (
                    "Upgrade to a WebSocket that sends one JSON text frame per log record: "
                    "`{id, level, message, timestamp, logger, conversation_id, request_id}`. "
                    'A client that falls behind gets `{"type": "missed", "count": N, ...}` '
                    "in place of the N records it lost."
                ),
                "parameters": [
                    {
                        "name": "level",
                        "in": "query",
                        "required": False,
                        "schema": {
                            "type": "string",
                            "enum": ["debug", "info", "warning", "error", "critical"],
                        },
                        "description": "Minimum level (default debug)",
                    },
                    {
                        "name": "since",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0},
                        "description": "Replay buffered records with a greater id first",
                    },
                ],
                "responses": {
                    "101": {"description": "Switching to the WebSocket protocol"},
                    "400": {"$ref": "#/components/responses/Error400"},
                    "401": {"$ref": "#/components/responses/Error401"},
                    "403": {"$ref": "#/components/responses/Error403"},
                },
                "x-websocket": {"messages": "one JSON text frame per log record"},
            }
        }
    }


def setup_logs_socket(
    app: web.Application, schema, operations: dict[str, Operation], document: dict[str, Any]
) -> None:
    """Add the route and its entry in the OpenAPI document."""
    route = LogsSocket(schema, operations[OPERATION])
    app.router.add_get(PATH, route.handle, name="followLogs")
    document["paths"].update(openapi_paths())
