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
PARITY_TAGS = {"auth", "providers", "conversations"}
# Routes whose point is the session cookie, which a JSON body comparison cannot check.
SKIPPED_OPERATIONS = {"Login", "Logout"}
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
