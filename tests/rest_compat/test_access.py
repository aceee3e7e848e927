"""Every route needs a session, and a default password on a public address blocks all but a few."""

from __future__ import annotations

import asyncio
import re
import uuid

import aiohttp
import pytest

from rest_compat.operations import load_operations
from rest_compat.routes import ROUTES, Route

PRIVATE_ROUTES = [route for route in ROUTES if not route.public]
# Routes a user with the default password may still call on a public address.
DEFAULT_PASSWORD_ROUTES = {"Login", "Logout", "ChangePassword"}


def route_id(route: Route) -> str:
    return f"{route.method} {route.path}"


def concrete_path(route: Route) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), route.path)


def dummy_variables(route: Route, variable_types: dict[str, str]) -> dict:
    """Variables that pass coercion: a made-up id for `ID!`, an empty object for inputs."""
    variables = {}
    for name, graphql_type in variable_types.items():
        if graphql_type == "ID!":
            variables[name] = str(uuid.uuid4())
        elif graphql_type.endswith("Input!"):
            variables[name] = {}
    return variables


@pytest.fixture(scope="module")
def operations():
    from ruri.config import Settings
    from schema import build_schema

    return load_operations(build_schema(Settings())._schema)


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=route_id)
async def test_rest_route_needs_session(route, server, make_client):
    answer = await make_client(server.url).request(route.method, concrete_path(route))
    assert answer.status == 401, answer.text
    assert "error" in answer.json


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=route_id)
async def test_graphql_operation_needs_session(route, operations, server, make_client):
    operation = operations[route.operation]
    result = await make_client(server.url).graphql(
        operation.source, dummy_variables(route, operation.variable_types)
    )
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_public_routes_are_login_and_logout():
    assert {route.operation for route in ROUTES if route.public} == {"Login", "Logout"}


@pytest.fixture
async def remote_client(make_server, make_client):
    server = await make_server(remote=True)
    client = make_client(server.url)
    await client.login()
    return client


BLOCKED_ROUTES = [
    route
    for route in ROUTES
    if route.operation not in DEFAULT_PASSWORD_ROUTES and route.upload_var is None
]


@pytest.mark.parametrize("route", BLOCKED_ROUTES, ids=route_id)
async def test_remote_default_password_is_403(route, remote_client):
    answer = await remote_client.request(route.method, concrete_path(route), json_body={})
    assert answer.status == 403, answer.text
    assert "change the password" in answer.json["error"]


async def test_remote_default_password_graphql_is_403(remote_client):
    result = await remote_client.graphql("{ providers { id } }")
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_remote_login_is_allowed(make_server, make_client):
    server = await make_server(remote=True)
    answer = await make_client(server.url).post("/api/auth/login", {"username": "ruri", "password": "ruri"})
    assert answer.status == 200
    assert answer.json["user"]["must_change_password"] is True


async def test_remote_logout_is_allowed(remote_client):
    assert (await remote_client.post("/api/auth/logout")).status == 200


async def test_remote_after_password_change_works(remote_client):
    changed = await remote_client.post(
        "/api/auth/change-password", {"old_password": "ruri", "new_password": "a longer secret"}
    )
    assert changed.status == 200
    assert (await remote_client.get("/api/providers")).status == 200
    assert (await remote_client.get("/api/auth/me")).status == 200


async def test_loopback_default_password_is_allowed(client):
    assert (await client.get("/api/providers")).status == 200


async def test_remote_default_password_subscription_is_403(make_server, make_client):
    server = await make_server(remote=True)
    client = make_client(server.url)
    await client.login()
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, protocols=["graphql-transport-ws"]) as socket:
            await socket.send_json({"type": "connection_init", "payload": {"token": client.token}})
            assert (await asyncio.wait_for(socket.receive_json(), 10))["type"] == "connection_ack"
            await socket.send_json(
                {"id": "1", "type": "subscribe", "payload": {"query": "subscription { logs { message } }"}}
            )
            reply = await asyncio.wait_for(socket.receive_json(), 10)
    assert reply["type"] in {"error", "next"}
    errors = reply["payload"] if reply["type"] == "error" else reply["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_openapi_without_session_is_401(server, make_client):
    answer = await make_client(server.url).get("/api/openapi.json")
    assert answer.status == 401
    assert "error" in answer.json


async def test_openapi_with_session_is_200(client):
    answer = await client.get("/api/openapi.json")
    assert answer.status == 200


async def test_remote_default_password_openapi_is_403(remote_client):
    answer = await remote_client.get("/api/openapi.json")
    assert answer.status == 403
    assert "change the password" in answer.json["error"]


@pytest.mark.parametrize(
    "query", ["{ __schema { queryType { name } } }", '{ __type(name: "Query") { name } }']
)
async def test_introspection_without_session_is_401(server, make_client, query):
    result = await make_client(server.url).graphql(query)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_introspection_in_fragment_without_session(server, make_client):
    query = "query { ...Root } fragment Root on Query { __schema { queryType { name } } }"
    result = await make_client(server.url).graphql(query)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_remote_default_password_introspection_is_403(remote_client):
    result = await remote_client.graphql("{ __schema { queryType { name } } }")
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_introspection_with_session_works(client):
    result = await client.graphql("{ __schema { queryType { name } } }")
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_typename_without_session_works(server, make_client):
    result = await make_client(server.url).graphql("{ __typename }")
    assert result["data"] == {"__typename": "Query"}


async def test_graphql_ide_page_is_public(server, make_client):
    answer = await make_client(server.url).get("/graphql", headers={"Accept": "text/html"})
    assert answer.status == 200
    assert "<html" in answer.text.lower()
