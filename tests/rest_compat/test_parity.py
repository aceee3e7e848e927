"""Each REST route returns exactly what its GraphQL operation returns over `/graphql`.

To cover another domain, add a `prepare` function for each of its routes to `REQUESTS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from strawberry.utils.str_converters import to_camel_case

from rest_compat.operations import load_operations
from rest_compat.routes import ROUTES, Route

REST, GRAPHQL = 0, 1
PARITY_TAGS = {
    "auth", "providers", "conversations", "chat", "agent", "skills", "tools", "acp", "platforms", "mcp"
}
# A JSON body comparison cannot check the session cookie that Login and Logout are about. The
# skill upload is a multipart body; tests/skills/test_upload.py compares it over both doors.
SKIPPED_OPERATIONS = {"Login", "Logout", "UploadSkills"}
VOLATILE = "<differs per call>"


@dataclass
class Call:
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    # Keys whose values differ between the two calls (new ids, times, names).
    volatile: frozenset[str] = frozenset()


async def new_conversation(client, chat_id: str = "chat", chat_type: str = "group") -> dict:
    answer = await client.post("/api/conversations", {"bot_name": "bot", "chat_type": chat_type, "chat_id": chat_id, "title": "T"})
    return answer.json


async def conversation_with_messages(client) -> dict:
    conversation = await new_conversation(client)
    for role, content in [("user", "hi"), ("assistant", "hello"), ("user", "bye")]:
        await client.post(f"/api/conversations/{conversation['id']}/messages", {"role": role, "content": content})
    return conversation


async def new_provider(client, name: str, url: str = "http://127.0.0.1:9/v1") -> dict:
    answer = await client.post(
        "/api/providers", {"name": name, "api_url": url, "api_key": "sk-abc-1234", "model": "m"}
    )
    return answer.json


async def prepare_me(client, model, door):
    return Call()


async def prepare_change_password(client, model, door):
    passwords = ["ruri", "first new password", "second new password"]
    return Call(body={"old_password": passwords[door], "new_password": passwords[door + 1]})


async def prepare_change_username(client, model, door):
    return Call(body={"new_username": f"user{door}"}, volatile=frozenset({"username"}))


async def prepare_list_conversations(client, model, door):
    if door == REST:
        await conversation_with_messages(client)
        await new_conversation(client, "other", chat_type="private")
    return Call(query={"chat_type": "group", "limit": "10", "offset": "0"})


async def prepare_create_conversation(client, model, door):
    return Call(
        body={"bot_name": "b", "chat_type": "private", "chat_id": "c", "title": "你好 👋🏽"},
        volatile=frozenset({"id", "created_at", "updated_at"}),
    )


async def prepare_get_conversation(client, model, door):
    conversation = (await client.get("/api/conversations")).json
    if not conversation:
        conversation = [await conversation_with_messages(client)]
    return Call(path={"id": conversation[0]["id"]})


async def prepare_delete_conversation(client, model, door):
    return Call(path={"id": (await new_conversation(client, f"gone{door}"))["id"]})


async def prepare_add_message(client, model, door):
    conversations = (await client.get("/api/conversations")).json
    conversation = conversations[0] if conversations else await new_conversation(client)
    return Call(
        path={"id": conversation["id"]},
        body={"role": "assistant", "content": "مرحبا"},
        volatile=frozenset({"id", "created_at"}),
    )


async def prepare_list_messages(client, model, door):
    conversations = (await client.get("/api/conversations")).json
    conversation = conversations[0] if conversations else await conversation_with_messages(client)
    return Call(path={"id": conversation["id"]}, query={"limit": "2"})


async def prepare_list_providers(client, model, door):
    if door == REST:
        await new_provider(client, "one")
        await new_provider(client, "two")
    return Call()


async def prepare_create_provider(client, model, door):
    return Call(
        body={"name": f"p{door}", "api_url": "http://127.0.0.1:9/v1/", "api_key": "sk-x-9876", "model": "m"},
        volatile=frozenset({"id", "name", "created_at", "updated_at", "is_active"}),
    )


async def first_provider(client) -> dict:
    providers = (await client.get("/api/providers")).json
    return providers[0] if providers else await new_provider(client, "only")


async def prepare_get_provider(client, model, door):
    return Call(path={"id": (await first_provider(client))["id"]})


async def prepare_update_provider(client, model, door):
    provider = await first_provider(client)
    return Call(path={"id": provider["id"]}, body={"model": "changed"}, volatile=frozenset({"updated_at"}))


async def prepare_delete_provider(client, model, door):
    await first_provider(client)
    return Call(path={"id": (await new_provider(client, f"spare{door}"))["id"]})


async def prepare_activate_provider(client, model, door):
    await first_provider(client)
    providers = (await client.get("/api/providers")).json
    target = providers[1] if len(providers) > 1 else await new_provider(client, "second")
    return Call(path={"id": target["id"]}, volatile=frozenset({"updated_at"}))


async def prepare_fetch_models(client, model, door):
    return Call(body={"api_url": model.url})


async def prepare_chat(client, model, door):
    await first_provider_for(client, model)
    return Call(body={"message": "hello"}, volatile=frozenset({"id", "created_at"}))


async def first_provider_for(client, model) -> dict:
    providers = (await client.get("/api/providers")).json
    if providers:
        return providers[0]
    return await new_provider(client, "scripted", url=model.url)


async def prepare_chat_history(client, model, door):
    if door == REST:
        await first_provider_for(client, model)
        await client.post("/api/chat", {"message": "remember this"})
    return Call(query={"limit": "10"})


async def prepare_no_arguments(client, model, door):
    return Call()


async def prepare_stop_chat(client, model, door):
    return Call(body={})


async def prepare_agent_status(client, model, door):
    return Call(volatile=frozenset({"uptime_seconds"}))


SKILL_MD = "---\nname: {name}\ndescription: Greets people\nallowed_tools: [read_file]\n---\nSay hi."


async def new_skill(client, name: str) -> dict:
    answer = await client.post("/api/skills", {"name": name, "content": SKILL_MD.format(name=name)})
    return answer.json


async def prepare_list_skills(client, model, door):
    if door == REST:
        await new_skill(client, "alpha")
    return Call()


async def prepare_create_skill(client, model, door):
    name = f"made{door}"
    return Call(
        body={"name": name, "content": SKILL_MD.format(name=name)},
        volatile=frozenset({"name", "created_at", "updated_at", "content"}),
    )


async def prepare_get_skill(client, model, door):
    if door == REST:
        await new_skill(client, "beta")
    return Call(path={"name": "beta"})


async def prepare_update_skill(client, model, door):
    if door == REST:
        await new_skill(client, "gamma")
    return Call(path={"name": "gamma"}, body={"enabled": False}, volatile=frozenset({"updated_at"}))


async def prepare_delete_skill(client, model, door):
    return Call(path={"name": (await new_skill(client, f"gone{door}"))["name"]})


async def prepare_update_acp(client, model, door):
    return Call(body={"allowed_tools": ["read_file", "write_file"]})


TELEGRAM_TOKEN = "123456789:AAEsecretTelegramTokenValue_0123456789"


async def new_platform(client, name: str) -> dict:
    body = {"name": name, "platform_type": "telegram", "config": {"bot_token": TELEGRAM_TOKEN}}
    return (await client.post("/api/platforms", body)).json


async def first_platform(client) -> dict:
    platforms = (await client.get("/api/platforms")).json
    return platforms[0] if platforms else await new_platform(client, "first")


async def prepare_list_platforms(client, model, door):
    if door == REST:
        await new_platform(client, "listed")
    return Call()


async def prepare_create_platform(client, model, door):
    return Call(
        body={"name": f"bot{door}", "platform_type": "telegram", "config": {"bot_token": TELEGRAM_TOKEN}},
        volatile=frozenset({"id", "name", "created_at", "updated_at"}),
    )


async def prepare_get_platform(client, model, door):
    return Call(path={"id": (await first_platform(client))["id"]})


async def prepare_update_platform(client, model, door):
    platform = await first_platform(client)
    return Call(path={"id": platform["id"]}, body={"enabled": True}, volatile=frozenset({"updated_at"}))


async def prepare_delete_platform(client, model, door):
    await first_platform(client)
    return Call(path={"id": (await new_platform(client, f"spare{door}"))["id"]})


# A stdio server whose command does not exist: it never connects, so nothing runs.
MCP_BODY = {"transport": "stdio", "command": "/nonexistent/ruri-test-server", "env": {"TOKEN": "s3cret-value"}}
# The connection state moves on in the background between the two calls.
MCP_VOLATILE = frozenset({"status", "tools", "updated_at"})


async def new_mcp_server(client, name: str) -> dict:
    return (await client.post("/api/mcp/servers", {"name": name, **MCP_BODY})).json


async def first_mcp_server(client) -> dict:
    servers = (await client.get("/api/mcp/servers")).json
    return servers[0] if servers else await new_mcp_server(client, "first")


async def prepare_list_mcp_servers(client, model, door):
    if door == REST:
        await new_mcp_server(client, "listed")
    return Call(volatile=MCP_VOLATILE)


async def prepare_create_mcp_server(client, model, door):
    return Call(
        body={"name": f"made{door}", **MCP_BODY},
        volatile=MCP_VOLATILE | {"id", "name", "created_at"},
    )


async def prepare_get_mcp_server(client, model, door):
    return Call(path={"id": (await first_mcp_server(client))["id"]}, volatile=MCP_VOLATILE)


async def prepare_update_mcp_server(client, model, door):
    server = await first_mcp_server(client)
    return Call(path={"id": server["id"]}, body={"args": ["--verbose"]}, volatile=MCP_VOLATILE)


async def prepare_delete_mcp_server(client, model, door):
    await first_mcp_server(client)
    return Call(path={"id": (await new_mcp_server(client, f"spare{door}"))["id"]})


async def prepare_disable_mcp_server(client, model, door):
    return Call(path={"id": (await first_mcp_server(client))["id"]}, volatile=MCP_VOLATILE)


async def prepare_enable_mcp_server(client, model, door):
    server = await first_mcp_server(client)
    await client.post(f"/api/mcp/servers/{server['id']}/disable")
    return Call(path={"id": server["id"]}, volatile=MCP_VOLATILE)


Prepare = Callable[[Any, Any, int], Awaitable[Call]]
REQUESTS: dict[str, Prepare] = {
    "Me": prepare_me,
    "ChangePassword": prepare_change_password,
    "ChangeUsername": prepare_change_username,
    "ListConversations": prepare_list_conversations,
    "CreateConversation": prepare_create_conversation,
    "GetConversation": prepare_get_conversation,
    "DeleteConversation": prepare_delete_conversation,
    "AddMessage": prepare_add_message,
    "ListMessages": prepare_list_messages,
    "ListProviders": prepare_list_providers,
    "CreateProvider": prepare_create_provider,
    "GetProvider": prepare_get_provider,
    "UpdateProvider": prepare_update_provider,
    "DeleteProvider": prepare_delete_provider,
    "ActivateProvider": prepare_activate_provider,
    "FetchProviderModels": prepare_fetch_models,
    "Chat": prepare_chat,
    "ChatHistory": prepare_chat_history,
    "ClearChatHistory": prepare_no_arguments,
    "StopChat": prepare_stop_chat,
    "AgentStatus": prepare_agent_status,
    "ListSkills": prepare_list_skills,
    "CreateSkill": prepare_create_skill,
    "GetSkill": prepare_get_skill,
    "UpdateSkill": prepare_update_skill,
    "DeleteSkill": prepare_delete_skill,
    "ListTools": prepare_no_arguments,
    "GetAcpConfig": prepare_no_arguments,
    "UpdateAcpConfig": prepare_update_acp,
    "ListPlatforms": prepare_list_platforms,
    "CreatePlatform": prepare_create_platform,
    "GetPlatform": prepare_get_platform,
    "UpdatePlatform": prepare_update_platform,
    "DeletePlatform": prepare_delete_platform,
    "ListMcpServers": prepare_list_mcp_servers,
    "CreateMcpServer": prepare_create_mcp_server,
    "GetMcpServer": prepare_get_mcp_server,
    "UpdateMcpServer": prepare_update_mcp_server,
    "DeleteMcpServer": prepare_delete_mcp_server,
    "EnableMcpServer": prepare_enable_mcp_server,
    "DisableMcpServer": prepare_disable_mcp_server,
}
PARITY_ROUTES = [route for route in ROUTES if route.operation in REQUESTS]


@pytest.fixture(scope="module")
def operations():
    from ruri.config import Settings
    from schema import build_schema

    return load_operations(build_schema(Settings())._schema)


def graphql_variables(route: Route, variable_types: dict[str, str], call: Call) -> dict[str, Any]:
    variables: dict[str, Any] = {route.path_vars[name]: value for name, value in call.path.items()}
    for name, raw in call.query.items():
        variable = route.query_vars[name]
        variables[variable] = int(raw) if variable_types[variable].startswith("Int") else raw
    if route.body_var:
        variables[route.body_var] = {to_camel_case(key): value for key, value in (call.body or {}).items()}
    return variables


def without_volatile(value: Any, volatile: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: VOLATILE if key in volatile else without_volatile(item, volatile) for key, item in value.items()}
    if isinstance(value, list):
        return [without_volatile(item, volatile) for item in value]
    return value


async def call_rest(client, route: Route, call: Call):
    path = route.path.format(**call.path)
    return await client.request(route.method, path, call.body, params=call.query or None)


def route_id(route: Route) -> str:
    return f"{route.method} {route.path}"


def test_parity_covers_every_route_of_its_domains():
    listed = {route.operation for route in ROUTES if route.tag in PARITY_TAGS} - SKIPPED_OPERATIONS
    assert listed <= set(REQUESTS)


@pytest.mark.parametrize("route", PARITY_ROUTES, ids=route_id)
async def test_rest_equals_graphql(route, operations, client, model):
    operation = operations[route.operation]
    rest_call = await REQUESTS[route.operation](client, model, REST)
    rest = await call_rest(client, route, rest_call)
    assert rest.status == route.status, rest.text

    graphql_call = await REQUESTS[route.operation](client, model, GRAPHQL)
    result = await client.graphql(operation.source, graphql_variables(route, operation.variable_types, graphql_call))
    assert "errors" not in result, result
    if route.result is None:
        assert rest.text == ""
        return
    volatile = rest_call.volatile | graphql_call.volatile
    assert without_volatile(rest.json, volatile) == without_volatile(result["data"][route.result], volatile)
