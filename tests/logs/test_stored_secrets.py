"""Stored secrets stay out of `recentLogs`, `/api/ws/logs` and the console at `--log-level debug`."""

from __future__ import annotations

import io
import logging
import sqlite3
import uuid

import aiohttp
import pytest

from ruri.logs.redaction import RedactingFormatter
from tests.websockets.clients import marker, open_logs_socket, read_frame, test_logger

RECENT = "query { recentLogs(limit: 100000) { logger message } }"
MISSING_COMMAND = "/nonexistent/ruri-missing-command"


@pytest.fixture
def console():
    """A root handler formatted like the console one; yields what it wrote."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def secrets() -> dict[str, str]:
    # Neither value looks like a key, so only the stored-value list can catch them.
    return {"key": f"zzTOPSECRET{uuid.uuid4().hex[:12]}", "env": f"envsecret{uuid.uuid4().hex[:12]}"}


async def store_secrets(server, client, values: dict[str, str]) -> None:
    answer = await client.post(
        "/api/providers",
        {"name": "plain-key", "provider_type": "openai_compatible", "api_url": "http://127.0.0.1:9/v1",
         "api_key": values["key"], "model": "m"},
    )
    assert answer.status == 201, answer.text
    answer = await client.post(
        "/api/mcp/servers",
        {"name": "missing", "transport": "stdio", "command": MISSING_COMMAND,
         "env": {"SECRETENV": values["env"]}},
    )
    assert answer.status == 201, answer.text
    # The failed start logs too; wait for it so its records are in the buffer.
    await server.services.mcp.wait_settled(answer.json["id"], 10)


async def recent_text(client) -> str:
    body = await client.graphql(RECENT)
    return "\n".join(f"{row['logger']} {row['message']}" for row in body["data"]["recentLogs"])


async def socket_text(server, client) -> str:
    """Replay `/api/ws/logs?since=0` up to a marker logged now."""
    end = marker("end")
    test_logger.warning(end)
    messages = []
    async with (
        aiohttp.ClientSession() as session,
        await open_logs_socket(session, server.url, client.token, since=0) as socket,
    ):
        while end not in messages:
            messages.append((await read_frame(socket)).get("message", ""))
    return "\n".join(messages)


@pytest.fixture
async def debug_server(make_server):
    return await make_server(log_level="debug")


@pytest.fixture
async def debug_client(debug_server, make_client):
    client = make_client(debug_server.url)
    await client.login()
    return client


async def test_stored_secrets_absent_from_recent_logs(debug_server, debug_client):
    values = secrets()
    await store_secrets(debug_server, debug_client, values)
    text = await recent_text(debug_client)
    assert not [value for value in values.values() if value in text]


async def test_stored_secrets_absent_from_socket(debug_server, debug_client):
    values = secrets()
    await store_secrets(debug_server, debug_client, values)
    text = await socket_text(debug_server, debug_client)
    assert not [value for value in values.values() if value in text]


async def test_stored_secrets_absent_from_console(debug_server, debug_client, console):
    values = secrets()
    await store_secrets(debug_server, debug_client, values)
    assert not [value for value in values.values() if value in console.getvalue()]


async def test_stored_secrets_sql_libraries_quiet(debug_server, debug_client):
    await store_secrets(debug_server, debug_client, secrets())
    body = await debug_client.graphql(RECENT)
    loggers = {row["logger"] for row in body["data"]["recentLogs"]}
    assert not {name for name in loggers if name.startswith(("aiosqlite", "sqlalchemy"))}


@pytest.fixture
async def library_debug_server(make_server):
    return await make_server(log_level="debug", log_library_debug=True)


@pytest.fixture
async def library_debug_client(library_debug_server, make_client):
    client = make_client(library_debug_server.url)
    await client.login()
    return client


async def test_library_debug_logs_sql(library_debug_server, library_debug_client):
    await store_secrets(library_debug_server, library_debug_client, secrets())
    body = await library_debug_client.graphql(RECENT)
    assert any(row["logger"] == "aiosqlite" for row in body["data"]["recentLogs"])


async def test_library_debug_secrets_absent(library_debug_server, library_debug_client, console):
    values = secrets()
    await store_secrets(library_debug_server, library_debug_client, values)
    text = await recent_text(library_debug_client) + console.getvalue()
    assert not [value for value in values.values() if value in text]


def stored_hash(server) -> str:
    with sqlite3.connect(server.settings.resolved_data_dir / "ruri.db") as database:
        return database.execute("SELECT password_hash FROM users").fetchone()[0]


async def test_library_debug_password_hash_absent(library_debug_server, library_debug_client):
    # Logging in read the user row, hash included, through the SQL libraries.
    text = await recent_text(library_debug_client)
    assert stored_hash(library_debug_server).split("$")[-1] not in text
