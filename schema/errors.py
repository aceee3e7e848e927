"""Give every error a code in `extensions.code`, and hide the details of unexpected ones."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from ruri.errors import RuriError

logger = logging.getLogger(__name__)


def coded_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, RuriError):
        error.extensions = {**(error.extensions or {}), **original.extensions()}
        return error
    if original is None or isinstance(original, GraphQLError):
        # Parse, validation and variable errors come from graphql-core and name the problem. A
        # variable of the wrong type (a number for a String) carries graphql-core's own error.
        code = (error.extensions or {}).get("code") or "BAD_REQUEST"
        error.extensions = {**(error.extensions or {}), "code": code}
        return error
    error_id = uuid.uuid4().hex[:12]
    logger.error(
        "Unexpected error %s in %s", error_id, ".".join(map(str, error.path or [])),
        exc_info=original,
    )
    return GraphQLError(
        f"Internal error (id {error_id}); the server log has the details",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL", "errorId": error_id},
    )


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [coded_error(error) for error in errors]

    def on_stream_result(self, result) -> None:
        # Subscription events bypass `on_operation`'s result, so each one is coded here.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [coded_error(error) for error in errors]
