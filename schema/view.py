"""The aiohttp view that serves `/graphql`: queries over HTTP, subscriptions over WebSockets."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from functools import partial
from typing import Any

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import ConnectionRejectionError

from ruri.http.json_body import InvalidJSONError, decode_json_body
from ruri.services.container import Services
from schema.context import SESSION_COOKIE, RuriContext
from schema.uploads import BoundedUploadAdapter
from schema.ws_handlers import LegacyWSHandler, TransportWSHandler

logger = logging.getLogger(__name__)

SERVICES_KEY = web.AppKey("services", Services)
# aiohttp pings every open socket this often (seconds), so proxies do not drop idle ones.
HEARTBEAT_SECONDS = 25.0
# The request key under which the GraphQL view keeps a socket's context until it closes.
_SOCKET_CONTEXT = web.RequestKey("socket_context", RuriContext)


def request_token(request: web.Request) -> str | None:
    """Read the session token from `Authorization: Bearer` or the `session` cookie."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE) or None


async def context_for_request(request: web.Request, response: Any = None) -> RuriContext:
    services = request.app[SERVICES_KEY]
    token = request_token(request)
    context = RuriContext(
        services=services,
        client=request.remote or "unknown",
        token=token,
        secure=request.secure,
        response=response,
    )
    await authenticate(context, token)
    return context


async def authenticate(context: RuriContext, token: str | None) -> bool:
    found = await context.services.auth.user_for_token(token)
    if found is None:
        return False
    context.token = token
    context.user, context.session_id = found
    return True


async def has_session(request: web.Request) -> bool:
    services = request.app[SERVICES_KEY]
    return await services.auth.user_for_token(request_token(request)) is not None


class RuriGraphQLView(GraphQLView):
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler
    rejection_message = "Not logged in or the session expired"

    def __init__(self, schema, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            keep_alive=True,
            keep_alive_interval=15,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=services.settings.max_subscriptions_per_connection,
            # File uploads (skill ZIPs). Cross-site writes are rejected by `Origin` before this view.
            multipart_uploads_enabled=True,
        )
        self.request_adapter_class = partial(
            BoundedUploadAdapter, max_bytes=services.settings.max_upload_bytes, authorize=has_session
        )

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        try:
            return await super().__call__(request)
        except InvalidJSONError as exc:
            # Strawberry sends its own HTTP errors as plain text, so a bad body gets a GraphQL error here.
            body = {"errors": [{"message": f"Invalid JSON body: {exc}", "extensions": {"code": "BAD_REQUEST"}}]}
            return web.json_response(body, status=400)
        finally:
            context = request.get(_SOCKET_CONTEXT)
            if context is not None:
                handler = context.extras.get("ws_handler")
                if handler is not None:
                    context.services.sockets.discard(context.session_id, handler)

    def decode_json(self, data: str | bytes) -> object:
        """Decode strict JSON for WebSocket messages, which Strawberry reads through this method."""
        try:
            return decode_json_body(data)
        except InvalidJSONError as exc:
            # Strawberry's socket reader treats only JSONDecodeError as a non-JSON message.
            raise json.JSONDecodeError(str(exc), data if isinstance(data, str) else "", 0) from None

    def parse_json(self, data: str | bytes) -> Any:
        """Decode an HTTP body or query parameter. `__call__` turns `InvalidJSONError` into a 400."""
        return decode_json_body(data)

    async def create_websocket_response(
        self, request: web.Request, subprotocol: str | None
    ) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(
            protocols=[subprotocol] if subprotocol else [], heartbeat=HEARTBEAT_SECONDS
        )
        await socket.prepare(request)
        return socket

    async def get_context(self, request: web.Request, response: Any) -> RuriContext:
        if not isinstance(response, web.WebSocketResponse):
            return await context_for_request(request, response)
        context = await context_for_request(request)
        request[_SOCKET_CONTEXT] = context
        return context

    async def authenticate_socket(self, context: RuriContext) -> bool:
        """Accept a session from the handshake (cookie, Bearer) or the `connection_init` token."""
        if context.user is None:
            params = context.connection_params if isinstance(context.connection_params, dict) else {}
            token = params.get("token")
            if not isinstance(token, str) or not await authenticate(context, token):
                return False
        context.services.sockets.add(context.session_id, context.extras["ws_handler"])
        return True

    async def on_ws_connect(self, context: RuriContext) -> Any:
        """Accept a socket only with a live session; register it so that logout closes it."""
        if not await self.authenticate_socket(context):
            raise ConnectionRejectionError({"message": self.rejection_message})
        logger.debug("GraphQL WebSocket opened for user %s", context.user.id)
        return None
