"""MCP server settings over REST and GraphQL: CRUD, validation, secrets."""

from __future__ import annotations

import pytest

from ruri.db.models import McpServerRow
from tests.mcp.conftest import create, http_body, stdio_body

SERVERS = "/api/mcp/servers"
MISSING_ID = "00000000-0000-0000-0000-000000000000"


async def test_create_stdio_returns_201(client):
    body = await create(client, stdio_body(enabled=False))
    assert body["name"] == "echo"
    assert body["transport"] == "stdio"
    assert body["args"][0].endswith("echo_server.py")
    assert body["status"] == {"state": "disabled", "error": None}
    assert body["tools"] == []
    assert body["url"] is None


async def test_create_masks_secrets(client):
    body = await create(client, http_body(
        "http://127.0.0.1:9/mcp", enabled=False, headers={"Authorization": "Bearer s3cret"},
    ))
    assert body["headers"] == {"Authorization": "***"}
    assert "s3cret" not in str(body)


async def test_create_masks_env(client):
    body = await create(client, stdio_body(enabled=False, env={"API_TOKEN": "tok-123"}))
    assert body["env"] == {"API_TOKEN": "***"}


async def test_list_and_get(client):
    created = await create(client, stdio_body(enabled=False))
    listed = await client.get(SERVERS)
    assert listed.status == 200
    assert [item["id"] for item in listed.json] == [created["id"]]
    one = await client.get(f"{SERVERS}/{created['id']}")
    assert one.status == 200
    assert one.json == listed.json[0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "command": "y"}, "transport"),
        ({"name": "x", "transport": "websocket", "url": "http://127.0.0.1/"}, "transport"),
        ({"transport": "stdio", "command": "y"}, "name"),
        ({"name": "Bad Name", "transport": "stdio", "command": "y"}, "name"),
        ({"name": "x", "transport": "stdio"}, "command"),
        ({"name": "x", "transport": "stdio", "command": "y", "args": "z"}, "args"),
        ({"name": "x", "transport": "stdio", "command": "y", "env": {"1BAD": "v"}}, "env"),
        ({"name": "x", "transport": "stdio", "command": "y", "env": {"A": 5}}, "env.A"),
        ({"name": "x", "transport": "streamable_http"}, "url"),
        ({"name": "x", "transport": "streamable_http", "url": "file:///etc/passwd"}, "url"),
        ({"name": "x", "transport": "sse"}, "url"),
        ({"name": "x", "transport": "sse", "url": "ftp://127.0.0.1/"}, "url"),
        ({"name": "x", "transport": "sse", "url": "http://127.0.0.1/",
          "headers": {"Bad Header": "v"}}, "headers"),
        ({"name": "x", "transport": "sse", "url": "http://127.0.0.1/",
          "headers": {"X-A": "a\r\nb"}}, "headers"),
        ({"name": "x", "transport": "sse", "url": "http://127.0.0.1/",
          "headers": {"X-A": "***"}}, "headers.X-A"),
    ],
)
async def test_create_invalid_returns_400(client, body, field):
    answer = await client.post(SERVERS, body)
    assert answer.status == 400, answer.text
    assert f"'{field}'" in answer.json["error"]


async def test_create_duplicate_name_returns_409(client):
    await create(client, stdio_body(enabled=False))
    answer = await client.post(SERVERS, stdio_body(enabled=False))
    assert answer.status == 409
    assert "echo" in answer.json["error"]


async def test_get_unknown_returns_404(client):
    answer = await client.get(f"{SERVERS}/{MISSING_ID}")
    assert answer.status == 404
    assert "error" in answer.json


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("PUT", ""), ("DELETE", ""), ("POST", "/enable"), ("POST", "/disable")],
)
async def test_unknown_id_returns_404(client, method, suffix):
    body = {"name": "other"} if method == "PUT" else None
    answer = await client.request(method, f"{SERVERS}/{MISSING_ID}{suffix}", body)
    assert answer.status == 404, answer.text


async def test_update_merges_fields(client):
    created = await create(client, stdio_body(enabled=False, env={"TOKEN": "t1"}))
    answer = await client.put(f"{SERVERS}/{created['id']}", {"args": ["--verbose"]})
    assert answer.status == 200, answer.text
    assert answer.json["args"] == ["--verbose"]
    assert answer.json["command"] == created["command"]
    assert answer.json["env"] == {"TOKEN": "***"}


async def test_update_keeps_masked_secret(client, server):
    created = await create(client, http_body(
        "http://127.0.0.1:9/mcp", enabled=False, headers={"Authorization": "Bearer keep-me"},
    ))
    answer = await client.put(f"{SERVERS}/{created['id']}",
                              {"headers": {"Authorization": "***", "X-Extra": "new"}})
    assert answer.status == 200, answer.text
    config = await _stored_config(server, created["id"])
    assert config["headers"] == {"Authorization": "Bearer keep-me", "X-Extra": "new"}


async def test_update_omitted_secret_kept(client, server):
    created = await create(client, stdio_body(enabled=False, env={"TOKEN": "t1"}))
    await client.put(f"{SERVERS}/{created['id']}", {"name": "renamed"})
    config = await _stored_config(server, created["id"])
    assert config["env"] == {"TOKEN": "t1"}


async def test_update_sent_map_drops_missing_keys(client, server):
    created = await create(client, stdio_body(enabled=False, env={"A": "1", "B": "2"}))
    await client.put(f"{SERVERS}/{created['id']}", {"env": {"A": "***"}})
    config = await _stored_config(server, created["id"])
    assert config["env"] == {"A": "1"}


async def test_update_switches_transport(client):
    created = await create(client, stdio_body(enabled=False))
    answer = await client.put(f"{SERVERS}/{created['id']}",
                              {"transport": "sse", "url": "http://127.0.0.1:9/sse"})
    assert answer.status == 200, answer.text
    assert answer.json["command"] is None
    assert answer.json["url"] == "http://127.0.0.1:9/sse"


async def test_update_to_http_without_url_returns_400(client):
    created = await create(client, stdio_body(enabled=False))
    answer = await client.put(f"{SERVERS}/{created['id']}", {"transport": "streamable_http"})
    assert answer.status == 400
    assert "'url'" in answer.json["error"]


async def test_update_taken_name_returns_409(client):
    await create(client, stdio_body("first", enabled=False))
    second = await create(client, stdio_body("second", enabled=False))
    answer = await client.put(f"{SERVERS}/{second['id']}", {"name": "first"})
    assert answer.status == 409


async def test_delete_returns_204(client):
    created = await create(client, stdio_body(enabled=False))
    answer = await client.delete(f"{SERVERS}/{created['id']}")
    assert answer.status == 204
    assert answer.text == ""
    assert (await client.get(f"{SERVERS}/{created['id']}")).status == 404


async def test_disable_sets_disabled(client):
    created = await create(client, stdio_body(enabled=False))
    answer = await client.post(f"{SERVERS}/{created['id']}/disable")
    assert answer.status == 200
    assert answer.json["enabled"] is False
    assert answer.json["status"]["state"] == "disabled"


async def test_routes_need_login(server, make_client):
    anonymous = make_client(server.url)
    answer = await anonymous.get(SERVERS)
    assert answer.status == 401


GRAPHQL_FIELDS = "id name transport command args env url headers enabled status { state error } tools"


async def test_graphql_create_and_list(client):
    created = await client.graphql(
        f"mutation($input: McpServerInput!) {{ createMcpServer(input: $input) {{ {GRAPHQL_FIELDS} }} }}",
        {"input": {**stdio_body(), "enabled": False, "env": {"TOKEN": "x"}}},
    )
    server = created["data"]["createMcpServer"]
    assert server["env"] == {"TOKEN": "***"}
    listed = await client.graphql(f"{{ mcpServers {{ {GRAPHQL_FIELDS} }} }}")
    assert listed["data"]["mcpServers"] == [server]


async def test_graphql_missing_url_is_bad_request(client):
    answer = await client.graphql(
        "mutation($input: McpServerInput!) { createMcpServer(input: $input) { id } }",
        {"input": {"name": "x", "transport": "streamable_http"}},
    )
    error = answer["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["field"] == "url"


async def test_graphql_update_delete_enable(client):
    created = await client.graphql(
        "mutation($input: McpServerInput!) { createMcpServer(input: $input) { id } }",
        {"input": {**stdio_body(), "enabled": False}},
    )
    server_id = created["data"]["createMcpServer"]["id"]
    updated = await client.graphql(
        "mutation($id: ID!) { updateMcpServer(id: $id, input: {name: \"renamed\"}) { name } }",
        {"id": server_id},
    )
    assert updated["data"]["updateMcpServer"]["name"] == "renamed"
    disabled = await client.graphql(
        "mutation($id: ID!) { disableMcpServer(id: $id) { enabled } }", {"id": server_id},
    )
    assert disabled["data"]["disableMcpServer"]["enabled"] is False
    deleted = await client.graphql(
        "mutation($id: ID!) { deleteMcpServer(id: $id) }", {"id": server_id},
    )
    assert deleted["data"]["deleteMcpServer"] is True
    missing = await client.graphql("query($id: ID!) { mcpServer(id: $id) { id } }", {"id": server_id})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def _stored_config(server, server_id: str) -> dict:
    """Read the stored settings, secrets included, straight from the database."""
    async with server.services.db() as session:
        row = await session.get(McpServerRow, server_id)
        return dict(row.config)


async def test_rest_matches_graphql(client):
    created = await create(client, stdio_body(enabled=False, env={"TOKEN": "x"}))
    rest_list = await client.get(SERVERS)
    graphql_list = await client.graphql(f"{{ mcpServers {{ {PARITY_FIELDS} }} }}")
    assert rest_list.json == graphql_list["data"]["mcpServers"]
    rest_one = await client.get(f"{SERVERS}/{created['id']}")
    graphql_one = await client.graphql(
        f"query($id: ID!) {{ mcpServer(id: $id) {{ {PARITY_FIELDS} }} }}", {"id": created["id"]},
    )
    assert rest_one.json == graphql_one["data"]["mcpServer"]


# The REST field names, as the aliases of the fixed operations give them.
PARITY_FIELDS = (
    "id name transport command args env url headers enabled status { state error } tools "
    "created_at: createdAt updated_at: updatedAt"
)
