"""A stalled `/api/ws/logs` reader loses records and is told so; a live reader loses none."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from urllib.parse import urlsplit

from tests.websockets.clients import marker, open_logs_socket, read_until, test_logger

QUEUE = 10
RECORD_CHARS = 30_000
MAX_RECORDS = 3_000


async def open_stalled_socket(
    base_url: str, token: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open `/api/ws/logs` over a raw TCP socket with a tiny receive buffer, then stop reading.

    A raw handshake keeps the client from reading anything the test does not ask for, so the
    server's send buffers fill up as with a stalled browser tab.
    """
    address = urlsplit(base_url)
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (address.hostname, address.port))
    reader, writer = await asyncio.open_connection(sock=raw, limit=2**24)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /api/ws/logs?level=warning HTTP/1.1\r\nHost: {address.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {token}\r\n\r\n"
        ).encode()
    )
    status = await reader.readuntil(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 101"), status
    return reader, writer


async def read_text_frame(reader: asyncio.StreamReader) -> dict:
    """Read one unmasked server frame (RFC 6455 section 5.2) and decode its JSON text."""
    first, second = await reader.readexactly(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    payload = await reader.readexactly(length)
    assert first & 0x0F == 0x1, f"expected a text frame, got opcode {first & 0x0F}"
    return json.loads(payload)


async def flood_until_dropped(server, live_socket) -> list[str]:
    """Log large records in lockstep with the live reader until the stalled one drops some."""
    sent: list[str] = []
    hub = server.services.logs.hub
    for _ in range(MAX_RECORDS):
        text = marker("flood")
        test_logger.warning("%s %s", text, "x" * RECORD_CHARS)
        sent.append(text)
        await read_until(live_socket, lambda frame, text=text: text in frame["message"])
        if any(subscriber.pending() > QUEUE for subscriber in hub.subscribers):
            return sent
    raise AssertionError(f"no subscriber dropped a record after {MAX_RECORDS} records")


async def test_ws_logs_stalled_reader_missed(make_server, make_client):
    server = await make_server(log_subscriber_queue=QUEUE)
    client = make_client(server.url)
    await client.login()
    reader, writer = await open_stalled_socket(server.url, client.token)
    try:
        async with await open_logs_socket(
            client.session, server.url, client.token, level="warning"
        ) as live:
            await flood_until_dropped(server, live)
            notice, _ = await asyncio.wait_for(_read_until_missed(reader), timeout=30)
    finally:
        writer.close()
    assert notice["count"] > 0


async def _read_until_missed(reader: asyncio.StreamReader) -> tuple[dict, int]:
    frames = 0
    while True:
        frame = await read_text_frame(reader)
        if frame.get("type") == "missed":
            return frame, frames
        frames += 1


async def test_ws_logs_live_reader_gets_everything(make_server, make_client):
    server = await make_server(log_subscriber_queue=QUEUE)
    client = make_client(server.url)
    await client.login()
    _, writer = await open_stalled_socket(server.url, client.token)
    try:
        async with await open_logs_socket(
            client.session, server.url, client.token, level="warning"
        ) as live:
            sent = await flood_until_dropped(server, live)
            end = marker("end")
            test_logger.warning(end)
            _, seen = await read_until(live, lambda frame: end in frame["message"])
    finally:
        writer.close()
    assert not any(frame.get("type") == "missed" for frame in seen)
    assert len(sent) > QUEUE
