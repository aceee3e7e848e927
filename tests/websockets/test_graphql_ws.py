"""The `logs` subscription over both GraphQL WebSocket protocols, with the `gql` client."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import (
    TransportClosed,
    TransportConnectionFailed,
    TransportQueryError,
    TransportServerError,
)
from websockets.exceptions import InvalidStatus

from tests.websockets.clients import (
    LOGS_SUBSCRIPTION,
    PROTOCOLS,
    TRANSPORT_WS,
    gql_client,
    gql_transport,
    marker,
    test_logger,
)


def follow(**variables) -> GraphQLRequest:
    return GraphQLRequest(LOGS_SUBSCRIPTION, variable_values=variables)


def close_code(error: Exception) -> int | None:
    """Find the WebSocket close code behind a gql transport error."""
    while error is not None:
        received = getattr(error, "rcvd", None)
        if received is not None:
            return received.code
        if isinstance(error, TransportClosed) and error.code:
            return error.code
        error = error.__cause__
    return None


def handshake_status(error: Exception) -> int | None:
    """Find the HTTP status of a refused WebSocket handshake behind a gql transport error."""
    while error is not None:
        if isinstance(error, InvalidStatus):
            return error.response.status_code
        error = error.__cause__
    return None


async def first_matching(session, text: str, **variables) -> dict:
    """Follow the log until a record contains `text`; return that record."""
    async with asyncio.timeout(10):
        async for result in session.subscribe(follow(**variables)):
            record = result["logs"]
            if text in record["message"]:
                return record
    raise AssertionError("the subscription ended before the record arrived")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscription_request_record_arrives(server, client, make_client, protocol):
    name = marker("nobody")
    transport = gql_transport(server.url, protocol, token=client.token)
    async with gql_client(transport) as session:
        waiting = asyncio.create_task(first_matching(session, name, since=0))
        answer = await make_client(server.url).post(
            "/api/auth/login", {"username": name, "password": "wrong"}
        )
        record = await waiting
    assert answer.status == 401
    assert record["level"] == "warning"
    assert record["requestId"] == answer.headers["X-Request-Id"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscription_init_token(server, client, protocol):
    text = marker()
    test_logger.warning(text)
    transport = gql_transport(server.url, protocol, init_token=client.token)
    async with gql_client(transport) as session:
        record = await first_matching(session, text, since=0)
    assert record["message"] == text


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscription_cookie_session(server, client, protocol):
    text = marker()
    test_logger.warning(text)
    transport = gql_transport(server.url, protocol, headers={"Cookie": f"session={client.token}"})
    async with gql_client(transport) as session:
        record = await first_matching(session, text, since=0)
    assert record["message"] == text


async def test_subscription_without_session_4403(server):
    transport = gql_transport(server.url, TRANSPORT_WS)
    with pytest.raises((TransportClosed, TransportConnectionFailed)) as failure:
        async with gql_client(transport):
            pass
    assert close_code(failure.value) == 4403


async def test_legacy_subscription_without_session_rejected(server):
    transport = gql_transport(server.url, PROTOCOLS[1], init_token="not-a-session-token")
    with pytest.raises((TransportServerError, TransportClosed, TransportConnectionFailed)):
        async with gql_client(transport):
            pass


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscription_cross_origin_403(server, client, protocol):
    transport = gql_transport(
        server.url, protocol, token=client.token, headers={"Origin": "https://evil.example"}
    )
    with pytest.raises(TransportConnectionFailed) as failure:
        async with gql_client(transport):
            pass
    assert handshake_status(failure.value) == 403


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscription_level_filters(server, client, protocol):
    quiet, loud = marker(), marker()
    test_logger.warning(quiet)
    test_logger.error(loud)
    transport = gql_transport(server.url, protocol, token=client.token)
    seen: list[dict] = []
    async with gql_client(transport) as session:
        async with asyncio.timeout(10):
            async for result in session.subscribe(follow(level="error", since=0)):
                seen.append(result["logs"])
                if loud in result["logs"]["message"]:
                    break
    assert all(record["level"] in ("error", "critical") for record in seen)
    assert not any(quiet in record["message"] for record in seen)


async def test_subscription_since_replays_after_id(server, client):
    before, after = marker(), marker()
    test_logger.warning(before)
    test_logger.warning(after)
    before_id = next(
        record.id for record in server.services.logs.hub.recent(0, 10) if record.message == before
    )
    transport = gql_transport(server.url, TRANSPORT_WS, token=client.token)
    async with gql_client(transport) as session:
        async with asyncio.timeout(10):
            async for result in session.subscribe(follow(since=before_id)):
                first = result["logs"]
                break
    assert first["message"] == after


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscription_limit_error(make_server, make_client, protocol):
    server = await make_server(max_subscriptions_per_connection=2)
    client = make_client(server.url)
    await client.login()
    transport = gql_transport(server.url, protocol, token=client.token)
    async with gql_client(transport) as session:
        streams = [session.subscribe(follow(since=0)) for _ in range(2)]
        for stream in streams:
            await asyncio.wait_for(anext(stream), 10)
        with pytest.raises(TransportQueryError) as failure:
            await asyncio.wait_for(anext(session.subscribe(follow(since=0))), 10)
        for stream in streams:
            await stream.aclose()
    assert "Too many subscriptions" in str(failure.value)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscription_logout_closes_socket(server, client, protocol):
    transport = gql_transport(server.url, protocol, token=client.token)
    async with gql_client(transport) as session:
        stream = session.subscribe(follow(since=0))
        await asyncio.wait_for(anext(stream), 10)
        await client.post("/api/auth/logout")
        # graphql-transport-ws fails the stream; graphql-ws completes it before the close.
        with contextlib.suppress(TransportClosed, TransportConnectionFailed):
            async with asyncio.timeout(10):
                async for _ in stream:
                    pass
        await transport.wait_closed()
        closed_by = transport.close_exception
    assert close_code(closed_by) == 4401
