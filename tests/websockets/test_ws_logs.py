"""`WS /api/ws/logs` with raw aiohttp WebSocket clients against a real server."""

from __future__ import annotations

import asyncio
from datetime import datetime

import aiohttp
import pytest

from tests.websockets.clients import (
    bearer,
    marker,
    open_logs_socket,
    read_frame,
    read_until,
    test_logger,
    ws_url,
)


def has_text(text: str):
    return lambda frame: text in frame.get("message", "")


async def test_ws_logs_request_record_arrives(server, client, make_client):
    name = marker("nobody")
    async with await open_logs_socket(client.session, server.url, client.token, since=0) as socket:
        other = make_client(server.url)
        answer = await other.post("/api/auth/login", {"username": name, "password": "wrong"})
        assert answer.status == 401
        frame, _ = await read_until(socket, has_text(name))
    assert frame["level"] == "warning"
    assert frame["logger"] == "ruri.services.auth"
    assert isinstance(frame["id"], int)
    assert frame["request_id"] == answer.headers["X-Request-Id"]
    assert datetime.fromisoformat(frame["timestamp"]).utcoffset().total_seconds() == 0


async def test_ws_logs_cookie_session(server, client):
    text = marker()
    async with client.session.ws_connect(ws_url(server.url, "/api/ws/logs?since=0")) as socket:
        test_logger.warning("cookie %s", text)
        frame, _ = await read_until(socket, has_text(text))
    assert frame["message"] == f"cookie {text}"


async def test_ws_logs_live_after_replay(server, client):
    first, second = marker(), marker()
    test_logger.warning(first)
    async with await open_logs_socket(client.session, server.url, client.token, since=0) as socket:
        await read_until(socket, has_text(first))
        test_logger.warning(second)
        frame, _ = await read_until(socket, has_text(second))
    assert frame["message"] == second


async def test_ws_logs_without_session_401(server, make_client):
    anonymous = make_client(server.url)
    with pytest.raises(aiohttp.WSServerHandshakeError) as failure:
        await open_logs_socket(anonymous.session, server.url, None)
    assert failure.value.status == 401


async def test_ws_logs_without_session_json_error(server, make_client):
    anonymous = make_client(server.url)
    answer = await anonymous.get("/api/ws/logs")
    assert answer.json == {"error": answer.json["error"]}
    assert "log in" in answer.json["error"]


async def test_ws_logs_invalid_token_401(server, make_client):
    anonymous = make_client(server.url)
    with pytest.raises(aiohttp.WSServerHandshakeError) as failure:
        await open_logs_socket(anonymous.session, server.url, "not-a-session-token")
    assert failure.value.status == 401


async def test_ws_logs_cross_origin_403(server, client):
    with pytest.raises(aiohttp.WSServerHandshakeError) as failure:
        await client.session.ws_connect(
            ws_url(server.url, "/api/ws/logs"),
            headers={**bearer(client.token), "Origin": "https://evil.example"},
        )
    assert failure.value.status == 403


async def test_ws_logs_cross_origin_json_error(server, client):
    answer = await client.get("/api/ws/logs", headers={"Origin": "https://evil.example"})
    assert answer.status == 403
    assert "Cross-site" in answer.json["error"]


async def test_ws_logs_same_origin_accepted(server, client):
    origin = server.url
    async with client.session.ws_connect(
        ws_url(server.url, "/api/ws/logs"), headers={"Origin": origin}
    ) as socket:
        assert not socket.closed


@pytest.mark.parametrize(
    ("query", "field"),
    [("level=loud", "level"), ("since=abc", "since"), ("since=-1", "since")],
)
async def test_ws_logs_bad_parameter_400(server, client, query, field):
    answer = await client.get(f"/api/ws/logs?{query}", headers=bearer(client.token))
    assert answer.status == 400
    assert f"'{field}'" in answer.json["error"]


async def test_ws_logs_plain_get_400(server, client):
    answer = await client.get("/api/ws/logs")
    assert answer.status == 400
    assert "WebSocket" in answer.json["error"]


async def test_ws_logs_level_uppercase_accepted(server, client):
    text = marker()
    async with await open_logs_socket(
        client.session, server.url, client.token, level="ERROR", since=0
    ) as socket:
        test_logger.error(text)
        frame, _ = await read_until(socket, has_text(text))
    assert frame["level"] == "error"


async def test_ws_logs_since_replays_after_id(server, client):
    before, after = marker(), marker()
    test_logger.warning(before)
    test_logger.warning(after)
    recent = server.services.logs.hub.recent(0, 10)
    before_id = next(record.id for record in recent if record.message == before)
    async with await open_logs_socket(
        client.session, server.url, client.token, since=before_id
    ) as socket:
        first = await read_frame(socket)
    assert first["message"] == after


async def test_ws_logs_level_filters(server, client):
    quiet, loud = marker(), marker()
    async with await open_logs_socket(
        client.session, server.url, client.token, level="error", since=0
    ) as socket:
        test_logger.warning(quiet)
        test_logger.error(loud)
        frame, seen = await read_until(socket, has_text(loud))
    assert all(item["level"] in ("error", "critical") for item in seen + [frame])
    assert not any(quiet in item["message"] for item in seen)


async def test_ws_logs_redacts_secrets(server, client):
    text = marker()
    secrets = [
        "sk-proj-abcdef1234567890",
        "Bearer abc.def.ghi",
        "password=hunter2hunter2",
        client.token,
    ]
    async with await open_logs_socket(client.session, server.url, client.token, since=0) as socket:
        test_logger.warning("%s key=%s auth=%s form=%s session token %s", text, *secrets)
        frame, _ = await read_until(socket, has_text(text))
    for secret in secrets:
        assert secret.split(" ")[-1].split("=")[-1] not in frame["message"]


async def test_ws_logs_logout_closes_socket(server, client):
    async with await open_logs_socket(client.session, server.url, client.token) as socket:
        answer = await client.post("/api/auth/logout", headers=bearer(client.token))
        assert answer.status in (200, 204)
        message = await asyncio.wait_for(socket.receive(), 10)
    assert message.type == aiohttp.WSMsgType.CLOSE
    assert message.data == 4401


async def test_ws_logs_password_change_closes_other_session(server, client, make_client):
    other = make_client(server.url)
    await other.login()
    async with await open_logs_socket(other.session, server.url, other.token) as socket:
        answer = await client.post(
            "/api/auth/change-password",
            {"old_password": "ruri", "new_password": "a-new-password-1"},
        )
        assert answer.status == 200, answer.text
        message = await asyncio.wait_for(socket.receive(), 10)
    assert message.type == aiohttp.WSMsgType.CLOSE


async def test_ws_logs_password_change_keeps_own_socket(server, client):
    async with await open_logs_socket(client.session, server.url, client.token, since=0) as socket:
        answer = await client.post(
            "/api/auth/change-password",
            {"old_password": "ruri", "new_password": "a-new-password-1"},
        )
        assert answer.status == 200, answer.text
        text = marker()
        test_logger.warning(text)
        frame, _ = await read_until(socket, has_text(text))
    assert frame["message"] == text


async def test_ws_logs_in_openapi(server, client):
    document = (await client.get("/api/openapi.json")).json
    operation = document["paths"]["/api/ws/logs"]["get"]
    assert "x-websocket" in operation
