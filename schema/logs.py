"""The live server log: recent records and a subscription that streams new ones."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from ruri.logs import LogRecordData
from schema.context import ctx
from schema.inputs import args_dict


@strawberry.type(
    description="One server log record. Secrets (keys, tokens, passwords, Authorization "
    "headers) are replaced with `[redacted]` before the record is stored."
)
class LogRecord:
    id: int = strawberry.field(
        description="Grows by one per record; pass the last one seen as `since` to resume."
    )
    level: str = strawberry.field(description="`debug`, `info`, `warning`, `error` or `critical`.")
    message: str
    timestamp: datetime
    logger: str = strawberry.field(description="Name of the Python logger that wrote the record.")
    conversation_id: str | None = strawberry.field(
        description="The conversation whose chat run wrote the record, when known."
    )
    request_id: str | None = strawberry.field(
        description="The HTTP request that wrote the record; responses repeat it in `X-Request-Id`."
    )
    dropped: int | None = strawberry.field(
        description="Set only on a notice: this many records were dropped because the "
        "subscriber fell behind. The notice's `id` is that of the newest dropped record."
    )

    @classmethod
    def from_data(cls, data: LogRecordData) -> LogRecord:
        return cls(
            id=data.id,
            level=data.level,
            message=data.message,
            timestamp=data.timestamp,
            logger=data.logger,
            conversation_id=data.conversation_id,
            request_id=data.request_id,
            dropped=data.dropped,
        )


@strawberry.type
class LogQuery:
    @strawberry.field(
        description="The newest buffered log records at or above `level`, oldest first."
    )
    def recent_logs(
        self,
        info: Info,
        level: str | None = strawberry.UNSET,
        limit: int | None = strawberry.UNSET,
    ) -> list[LogRecord]:
        records = ctx(info).services.logs.recent(args_dict(level=level, limit=limit))
        return [LogRecord.from_data(record) for record in records]


@strawberry.type
class LogSubscription:
    @strawberry.subscription(
        description="Live log records at or above `level` (default `debug`). With `since`, the "
        "buffered records with a greater `id` come first. A subscriber that falls behind gets "
        "a `warning` record with `dropped` set in place of the records it lost."
    )
    async def logs(
        self,
        info: Info,
        level: str | None = strawberry.UNSET,
        since: int | None = strawberry.UNSET,
    ) -> AsyncGenerator[LogRecord, None]:
        context = ctx(info)
        context.require_user()
        async for record in context.services.logs.follow(args_dict(level=level, since=since)):
            yield LogRecord.from_data(record)

    @strawberry.subscription(
        description="The `logs` stream in lists of the records that were ready together: the "
        "same records, filters and dropped-records notices, with one result per list. "
        "`WS /api/ws/logs` reads this field."
    )
    async def log_batches(
        self,
        info: Info,
        level: str | None = strawberry.UNSET,
        since: int | None = strawberry.UNSET,
    ) -> AsyncGenerator[list[LogRecord], None]:
        context = ctx(info)
        context.require_user()
        follow = context.services.logs.follow_batches(args_dict(level=level, since=since))
        async for batch in follow:
            yield [LogRecord.from_data(record) for record in batch]
