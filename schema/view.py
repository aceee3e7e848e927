"""The aiohttp view that serves `/graphql`: queries over HTTP, subscriptions over WebSockets."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import ConnectionRejectionError

from ruri.services.container import Services
from schema.context import SESSION_COOKIE, RuriContext

logger = logging.getLogger(__name__)

SERVICES_KEY = web.AppKey("services", Services)


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


class RuriGraphQLView(GraphQLView):
    def __init__(self, schema, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            keep_alive=True,
            keep_alive_interval=15,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=services.settings.max_subscriptions_per_connection,
        )

    async def get_context(self, request: web.Request, response: Any) -> RuriContext:
        is_socket = isinstance(response, web.WebSocketResponse)
        return await context_for_request(request, None if is_socket else response)

    async def on_ws_connect(self, context: RuriContext) -> Any:
        """Accept a socket only with a live session from the handshake or `connection_init`."""
        if context.user is None:
            params = context.connection_params if isinstance(context.connection_params, dict) else {}
            token = params.get("token")
            if not isinstance(token, str) or not await authenticate(context, token):
                raise ConnectionRejectionError({"message": "Not logged in or the session expired"})
        logger.debug("GraphQL WebSocket opened for user %s", context.user.id)
        return None
