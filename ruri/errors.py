"""The error tree shared by both doors.

RuriError
├── BadRequest          BAD_REQUEST        400
├── Unauthenticated     UNAUTHENTICATED    401
├── Forbidden           FORBIDDEN          403
├── NotFound            NOT_FOUND          404
├── Conflict            CONFLICT           409
├── PayloadTooLarge     PAYLOAD_TOO_LARGE  413
├── RateLimited         RATE_LIMITED       429 (carries retry_after seconds)
├── ProviderError       PROVIDER_ERROR     502 (carries the upstream status, if any)
└── TooManyRuns         TOO_MANY_RUNS      429

GraphQL puts `code` into `extensions.code`; the REST door turns the same code into the HTTP status
through `HTTP_STATUS_BY_CODE`, so the two doors cannot disagree.
"""

from __future__ import annotations

from typing import Any

HTTP_STATUS_BY_CODE: dict[str, int] = {
    "BAD_REQUEST": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "CONFLICT": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "RATE_LIMITED": 429,
    "TOO_MANY_RUNS": 429,
    "INTERNAL": 500,
    "PROVIDER_ERROR": 502,
}


class RuriError(Exception):
    """An error whose message is safe to show to the client."""

    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def http_status(self) -> int:
        return HTTP_STATUS_BY_CODE[self.code]

    def extensions(self) -> dict[str, Any]:
        """Return the fields GraphQL puts into `extensions`."""
        data: dict[str, Any] = {"code": self.code}
        if self.field:
            data["field"] = self.field
        return data


class BadRequest(RuriError):
    code = "BAD_REQUEST"


class Unauthenticated(RuriError):
    code = "UNAUTHENTICATED"


class Forbidden(RuriError):
    code = "FORBIDDEN"


class NotFound(RuriError):
    code = "NOT_FOUND"


class Conflict(RuriError):
    code = "CONFLICT"


class PayloadTooLarge(RuriError):
    code = "PAYLOAD_TOO_LARGE"


class RateLimited(RuriError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "retryAfter": self.retry_after}


class TooManyRuns(RuriError):
    code = "TOO_MANY_RUNS"


class ProviderError(RuriError):
    """A model provider call failed; `upstream_status` is None for network failures."""

    code = "PROVIDER_ERROR"

    def __init__(self, message: str, *, upstream_status: int | None = None) -> None:
        super().__init__(message)
        self.upstream_status = upstream_status

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "upstreamStatus": self.upstream_status}


def not_found(kind: str, key: str) -> NotFound:
    return NotFound(f"{kind} not found: {key}")


async def row_or_404(session, model: type, key: str, kind: str):
    """Return the row of `model` with primary key `key`, or raise NotFound naming `kind`."""
    row = await session.get(model, key)
    if row is None:
        raise not_found(kind, key)
    return row


def name_taken(owner: str, name: str) -> Conflict:
    """Return the conflict for a duplicate name, for example `name_taken("A provider", "x")`."""
    return Conflict(f"{owner} named '{name}' already exists; choose another name", field="name")
