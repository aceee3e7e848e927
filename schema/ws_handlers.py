"""Strawberry's WebSocket protocol handlers with Ruri's rejection codes and limit message."""

from __future__ import annotations

import asyncio
from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

# Close code for a connection without a live session, on both protocols.
REJECTED_CODE = 4403
# `extensions.code` of the error sent when a connection is at its subscription limit.
LIMIT_CODE = "TOO_MANY_SUBSCRIPTIONS"


def limit_message(limit: int) -> str:
    return (
        f"Too many subscriptions on this connection (max {limit}); complete one before "
        "starting another, or open another connection"
    )


class TransportWSHandler(BaseGraphQLTransportWSHandler):
    """`graphql-transport-ws`: rejection already closes with 4403; the limit error is clearer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context.extras["ws_handler"] = self

    async def close(self, *, code: int, message: bytes) -> None:
        """Stop the running operations first, so none of them writes to a closed socket."""
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        await asyncio.sleep(0)
        await self.websocket.close(code, message.decode())

    async def handle_subscribe(self, message: Any) -> None:
        limit = self.max_subscriptions_per_connection
        at_limit = limit is not None and len(self.operations) >= limit
        if self.connection_acknowledged and at_limit and message["id"] not in self.operations:
            error = GraphQLError(limit_message(limit), extensions={"code": LIMIT_CODE})
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)


class LegacyWSHandler(BaseGraphQLWSHandler):
    """Legacy `graphql-ws`: close rejected connections with 4403 (Strawberry sends 1011)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context.extras["ws_handler"] = self

    async def close(self, *, code: int, message: bytes) -> None:
        """Stop the running operations first, so none of them writes to a closed socket."""
        for operation_id in list(self.tasks):
            await self.cleanup_operation(operation_id)
        await self.websocket.close(code, message.decode())

    async def handle_connection_init(self, message: Any) -> None:
        payload = message.get("payload")
        if payload is None or isinstance(payload, dict):
            self.context.connection_params = payload
            if not await self.view.authenticate_socket(self.context):
                await self.send_message(
                    {
                        "type": "connection_error",
                        "payload": {"message": self.view.rejection_message},
                    }
                )
                await self.websocket.close(code=REJECTED_CODE, reason="Forbidden")
                return
        await super().handle_connection_init(message)

    async def handle_start(self, message: Any) -> None:
        limit = self.max_subscriptions_per_connection
        at_limit = limit is not None and len(self.tasks) >= limit
        if self.connection_acknowledged and at_limit and message["id"] not in self.tasks:
            await self.send_message(
                {
                    "type": "error",
                    "id": message["id"],
                    "payload": {
                        "message": limit_message(limit),
                        "extensions": {"code": LIMIT_CODE},
                    },
                }
            )
            return
        await super().handle_start(message)
