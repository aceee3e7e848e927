"""Shared fixtures: a scripted model server for the whole run, and a fresh Ruri server per test."""

from __future__ import annotations

import pytest

from tests.support.model_server import ModelServer
from tests.support.server import Client, RuriServer


@pytest.fixture(scope="session")
async def model_server():
    server = ModelServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def model(model_server: ModelServer) -> ModelServer:
    """The scripted model server with an empty script and no recorded requests."""
    model_server.reset()
    return model_server


@pytest.fixture
async def make_server(tmp_path):
    """Start Ruri servers with setting overrides; every one is stopped after the test."""
    servers: list[RuriServer] = []

    async def start(**overrides) -> RuriServer:
        server = RuriServer(tmp_path / f"data{len(servers)}", **overrides)
        servers.append(await server.start())
        return server

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture
async def server(make_server) -> RuriServer:
    return await make_server()


@pytest.fixture
async def make_client():
    clients: list[Client] = []

    def create(base_url: str) -> Client:
        client = Client(base_url)
        clients.append(client)
        return client

    yield create
    for client in clients:
        await client.close()


@pytest.fixture
async def client(server: RuriServer, make_client) -> Client:
    """A logged-in client of the default server."""
    client = make_client(server.url)
    await client.login()
    return client


@pytest.fixture
async def provider(client: Client, model: ModelServer) -> dict:
    """An active provider that points at the scripted model server."""
    answer = await client.post(
        "/api/providers",
        {"name": "scripted", "provider_type": "openai_compatible", "api_url": model.url,
         "api_key": "sk-test-key-1234", "model": "scripted-small"},
    )
    assert answer.status == 201, answer.text
    return answer.json
