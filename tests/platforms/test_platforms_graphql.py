"""Platform settings over GraphQL: `platforms`, `platform`, `create/update/deletePlatform`."""

from __future__ import annotations

from tests.platforms.cases import TELEGRAM_TOKEN, VALID_CONFIGS, all_secrets

FIELDS = "id name platformType enabled config status { state error } createdAt updatedAt"
CREATE = f"mutation($input: PlatformInput!) {{ createPlatform(input: $input) {{ {FIELDS} }} }}"
UPDATE = (
    f"mutation($id: ID!, $input: PlatformInput!) "
    f"{{ updatePlatform(id: $id, input: $input) {{ {FIELDS} }} }}"
)
DELETE = "mutation($id: ID!) { deletePlatform(id: $id) }"
GET = f"query($id: ID!) {{ platform(id: $id) {{ {FIELDS} }} }}"
LIST = f"{{ platforms {{ {FIELDS} }} }}"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


async def create(client, name="bot", platform_type="telegram") -> dict:
    config = VALID_CONFIGS[platform_type][0]
    result = await client.graphql(
        CREATE, {"input": {"name": name, "platformType": platform_type, "config": config}}
    )
    assert "errors" not in result, result
    return result["data"]["createPlatform"]


def error_code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


async def test_graphql_platform_create(client):
    platform = await create(client)
    assert platform["platformType"] == "telegram"
    assert platform["status"] == {"state": "stopped", "error": None}
    assert platform["config"]["bot_token_set"] is True


async def test_graphql_platform_secrets_absent(client):
    for platform_type in VALID_CONFIGS:
        await create(client, name=platform_type, platform_type=platform_type)
    answer = await client.post("/graphql", {"query": LIST})
    for secret in all_secrets():
        assert secret not in answer.text


async def test_graphql_platform_create_missing_field(client):
    result = await client.graphql(
        CREATE, {"input": {"name": "b", "platformType": "discord", "config": {"bot_token": "t"}}}
    )
    assert error_code(result) == "BAD_REQUEST"
    assert "'config.application_id'" in result["errors"][0]["message"]


async def test_graphql_platform_create_missing_type(client):
    result = await client.graphql(CREATE, {"input": {"name": "b"}})
    assert error_code(result) == "BAD_REQUEST"
    assert "'platform_type'" in result["errors"][0]["message"]


async def test_graphql_platform_create_duplicate(client):
    await create(client, name="dup")
    result = await client.graphql(
        CREATE,
        {
            "input": {
                "name": "dup",
                "platformType": "telegram",
                "config": VALID_CONFIGS["telegram"][0],
            }
        },
    )
    assert error_code(result) == "CONFLICT"


async def test_graphql_platform_get(client):
    platform = await create(client)
    result = await client.graphql(GET, {"id": platform["id"]})
    assert result["data"]["platform"] == platform


async def test_graphql_platform_get_unknown(client):
    result = await client.graphql(GET, {"id": UNKNOWN_ID})
    assert error_code(result) == "NOT_FOUND"


async def test_graphql_platform_list(client):
    platform = await create(client)
    result = await client.graphql(LIST)
    assert result["data"]["platforms"] == [platform]


async def test_graphql_platform_update_merges(client, server):
    platform = await create(client)
    result = await client.graphql(
        UPDATE, {"id": platform["id"], "input": {"config": {"allowed_chat_ids": [7]}}}
    )
    config = result["data"]["updatePlatform"]["config"]
    assert config["allowed_chat_ids"] == [7]
    assert config["bot_token_hint"] == TELEGRAM_TOKEN[:3] + "…" + TELEGRAM_TOKEN[-4:]


async def test_graphql_platform_update_invalid(client):
    platform = await create(client)
    result = await client.graphql(
        UPDATE, {"id": platform["id"], "input": {"config": {"bot_token": "bad"}}}
    )
    assert error_code(result) == "BAD_REQUEST"
    assert "'config.bot_token'" in result["errors"][0]["message"]


async def test_graphql_platform_update_duplicate(client):
    await create(client, name="taken")
    platform = await create(client, name="free")
    result = await client.graphql(UPDATE, {"id": platform["id"], "input": {"name": "taken"}})
    assert error_code(result) == "CONFLICT"


async def test_graphql_platform_update_unknown(client):
    result = await client.graphql(UPDATE, {"id": UNKNOWN_ID, "input": {"enabled": True}})
    assert error_code(result) == "NOT_FOUND"


async def test_graphql_platform_delete(client):
    platform = await create(client)
    result = await client.graphql(DELETE, {"id": platform["id"]})
    assert result["data"]["deletePlatform"] is True
    assert error_code(await client.graphql(GET, {"id": platform["id"]})) == "NOT_FOUND"


async def test_graphql_platform_delete_unknown(client):
    result = await client.graphql(DELETE, {"id": UNKNOWN_ID})
    assert error_code(result) == "NOT_FOUND"


async def test_platform_rest_matches_graphql(client):
    platform = await create(client)
    rest = await client.get(f"/api/platforms/{platform['id']}")
    result = await client.graphql(
        "query($id: ID!) { platform(id: $id) { id name platform_type: platformType enabled "
        "config status { state error } created_at: createdAt updated_at: updatedAt } }",
        {"id": platform["id"]},
    )
    assert rest.json == result["data"]["platform"]
