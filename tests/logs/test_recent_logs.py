"""The `recentLogs` query over GraphQL HTTP."""

from __future__ import annotations

from tests.websockets.clients import marker, test_logger

RECENT = "query Recent($level: String, $limit: Int) { recentLogs(level: $level, limit: $limit) { id level message } }"


async def test_recent_logs_newest_last(server, client):
    first, second = marker(), marker()
    test_logger.warning(first)
    test_logger.warning(second)
    body = await client.graphql(RECENT, {"level": "warning", "limit": 2})
    messages = [record["message"] for record in body["data"]["recentLogs"]]
    assert messages == [first, second]


async def test_recent_logs_level_filters(server, client):
    test_logger.info(marker())
    body = await client.graphql(RECENT, {"level": "error", "limit": 50})
    assert all(record["level"] in ("error", "critical") for record in body["data"]["recentLogs"])


async def test_recent_logs_ids_grow_by_one(server, client):
    test_logger.warning(marker())
    test_logger.warning(marker())
    body = await client.graphql(RECENT, {"limit": 2})
    first, second = body["data"]["recentLogs"]
    assert second["id"] == first["id"] + 1


async def test_recent_logs_invalid_level(server, client):
    body = await client.graphql(RECENT, {"level": "loud"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_recent_logs_invalid_limit(server, client):
    body = await client.graphql(RECENT, {"limit": 0})
    assert "'limit'" in body["errors"][0]["message"]


async def test_recent_logs_requires_session(server, make_client):
    anonymous = make_client(server.url)
    body = await anonymous.graphql(RECENT)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
