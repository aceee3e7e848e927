"""`GET /api/agent/status`, the `agentStatus` query and its subscription."""

from __future__ import annotations

import asyncio

from tests.agent.helpers import GraphQLSocket
from tests.support.model_server import Reply

STATUS_SUBSCRIPTION = """
subscription { agentStatus { processing activeRequests activeProvider messageCount } }
"""


async def test_status_idle_shape(client, provider):
    answer = await client.get("/api/agent/status")
    assert answer.status == 200
    body = answer.json
    assert set(body) == {
        "processing", "active_requests", "active_provider", "active_model",
        "skills_count", "tools_count", "uptime_seconds", "message_count",
    }
    assert body["processing"] is False
    assert body["active_provider"] == "scripted"
    assert body["active_model"] == "scripted-small"
    assert body["tools_count"] > 0


async def test_status_without_provider(client):
    answer = await client.get("/api/agent/status")
    assert answer.json["active_provider"] is None


async def test_status_processing_while_chat_runs(client, provider, model):
    release = asyncio.Event()
    model.queue(Reply(text="done", hold=release))
    running = asyncio.create_task(client.post("/api/chat", {"message": "hold on"}))
    await model.request_started.wait()
    during = await client.get("/api/agent/status")
    release.set()
    await running
    after = await client.get("/api/agent/status")
    assert during.json["processing"] is True
    assert during.json["active_requests"] == 1
    assert after.json["processing"] is False
    assert after.json["message_count"] == 2


async def test_status_rest_matches_graphql(client, provider):
    rest = await client.get("/api/agent/status")
    result = await client.graphql("{ agentStatus { processing activeProvider toolsCount } }")
    status = result["data"]["agentStatus"]
    assert status["processing"] == rest.json["processing"]
    assert status["activeProvider"] == rest.json["active_provider"]
    assert status["toolsCount"] == rest.json["tools_count"]


async def test_status_subscription_pushes_changes(client, provider, model):
    release = asyncio.Event()
    model.queue(Reply(text="done", hold=release))
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(STATUS_SUBSCRIPTION, {})
        first = await socket.next()
        running = asyncio.create_task(client.post("/api/chat", {"message": "hi"}))
        busy = await socket.next()
        release.set()
        await running
        idle = await socket.next()
    assert first["payload"]["data"]["agentStatus"]["processing"] is False
    assert busy["payload"]["data"]["agentStatus"]["processing"] is True
    assert idle["payload"]["data"]["agentStatus"]["processing"] is False
    assert idle["payload"]["data"]["agentStatus"]["messageCount"] == 2


async def test_status_subscription_sees_provider_change(client, provider, model):
    async with GraphQLSocket(client) as socket:
        await socket.subscribe(STATUS_SUBSCRIPTION, {})
        await socket.next()
        second = await client.post("/api/providers", {
            "name": "other", "provider_type": "openai_compatible", "api_url": model.url,
            "api_key": "", "model": "scripted-large"})
        await client.post(f"/api/providers/{second.json['id']}/activate")
        changed = await socket.next()
    assert changed["payload"]["data"]["agentStatus"]["activeProvider"] == "other"
