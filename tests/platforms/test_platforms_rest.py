"""Platform settings over REST: `/api/platforms` and `/api/platforms/:id`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ruri.db.models import PlatformRow
from tests.platforms.cases import INVALID_CONFIGS, TELEGRAM_TOKEN, VALID_CONFIGS, all_secrets

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
NEW_TELEGRAM_TOKEN = "987654321:BBHsecondTelegramTokenValue_9876543210"


async def create(client, name="bot", platform_type="telegram", config=None, **fields):
    body = {"name": name, "platform_type": platform_type, **fields}
    body["config"] = VALID_CONFIGS[platform_type][0] if config is None else config
    answer = await client.post("/api/platforms", body)
    assert answer.status == 201, answer.text
    return answer.json


async def stored_config(server, platform_id: str) -> dict:
    """Read the config straight from the database, where secrets are kept in full."""
    async with server.services.db() as session:
        row = await session.scalar(select(PlatformRow).where(PlatformRow.id == platform_id))
        return row.config


@pytest.mark.parametrize("platform_type", sorted(VALID_CONFIGS))
async def test_platform_create_each_type(client, platform_type):
    platform = await create(client, name=f"{platform_type}-bot", platform_type=platform_type)
    assert platform["platform_type"] == platform_type
    assert platform["enabled"] is False
    assert platform["status"] == {"state": "stopped", "error": None}
    for field in VALID_CONFIGS[platform_type][1]:
        assert platform["config"][f"{field}_set"] is True
        assert field not in platform["config"]


@pytest.mark.parametrize("platform_type", sorted(VALID_CONFIGS))
async def test_platform_create_hides_secrets(client, platform_type):
    answer = await client.post(
        "/api/platforms",
        {"name": "b", "platform_type": platform_type, "config": VALID_CONFIGS[platform_type][0]},
    )
    for secret in VALID_CONFIGS[platform_type][1].values():
        assert secret not in answer.text


async def test_platform_telegram_defaults(client):
    platform = await create(client, config={"bot_token": TELEGRAM_TOKEN})
    assert platform["config"]["api_base"] == "https://api.telegram.org"
    assert platform["config"]["allowed_chat_ids"] == []


async def test_platform_secret_hint(client):
    platform = await create(client)
    assert platform["config"]["bot_token_hint"] == TELEGRAM_TOKEN[:3] + "…" + TELEGRAM_TOKEN[-4:]


async def test_platform_short_secret_has_no_hint(client):
    platform = await create(client, platform_type="weixin")
    assert platform["config"]["token_set"] is True
    assert platform["config"]["token_hint"] is None


async def test_platform_dingtalk_app_key_alias(client):
    platform = await create(client, platform_type="dingtalk")
    assert platform["config"]["client_id"] == "ding-client-id"
    assert "app_key" not in platform["config"]


async def test_platform_create_enabled(client):
    platform = await create(client, enabled=True)
    assert platform["enabled"] is True
    assert platform["status"]["state"] == "stopped"


async def test_platform_create_ignores_unknown_keys(client):
    config = {"bot_token": TELEGRAM_TOKEN, "bot_token_set": True, "colour": "blue"}
    platform = await create(client, config=config, colour="red")
    assert "colour" not in platform["config"]
    assert "colour" not in platform


@pytest.mark.parametrize(("platform_type", "config", "field"), INVALID_CONFIGS)
async def test_platform_create_invalid_config(client, platform_type, config, field):
    answer = await client.post(
        "/api/platforms", {"name": "b", "platform_type": platform_type, "config": config}
    )
    assert answer.status == 400
    assert f"'{field}'" in answer.json["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform_type": "telegram"}, "name"),
        ({"name": "", "platform_type": "telegram"}, "name"),
        ({"name": " padded ", "platform_type": "telegram"}, "name"),
        ({"name": "b"}, "platform_type"),
        ({"name": "b", "platform_type": "slack"}, "platform_type"),
        ({"name": "b", "platform_type": "telegram", "config": ["x"]}, "config"),
    ],
)
async def test_platform_create_invalid_field(client, body, field):
    answer = await client.post("/api/platforms", body)
    assert answer.status == 400
    assert f"'{field}'" in answer.json["error"]


async def test_platform_create_invalid_secret_not_echoed(client):
    answer = await client.post(
        "/api/platforms",
        {"name": "b", "platform_type": "telegram", "config": {"bot_token": "leak-me-not-value"}},
    )
    assert answer.status == 400
    assert "leak-me-not-value" not in answer.text


async def test_platform_create_duplicate_name(client):
    await create(client, name="dup")
    answer = await client.post(
        "/api/platforms",
        {"name": "dup", "platform_type": "onebot", "config": VALID_CONFIGS["onebot"][0]},
    )
    assert answer.status == 409
    assert "dup" in answer.json["error"]


async def test_platform_list(client):
    first = await create(client, name="one")
    second = await create(client, name="two", platform_type="discord")
    answer = await client.get("/api/platforms")
    assert answer.status == 200
    assert [item["id"] for item in answer.json] == [first["id"], second["id"]]


async def test_platform_list_hides_secrets(client):
    for platform_type in VALID_CONFIGS:
        await create(client, name=platform_type, platform_type=platform_type)
    answer = await client.get("/api/platforms")
    for secret in all_secrets():
        assert secret not in answer.text


async def test_platform_get(client):
    platform = await create(client)
    answer = await client.get(f"/api/platforms/{platform['id']}")
    assert answer.status == 200
    assert answer.json == platform
    assert TELEGRAM_TOKEN not in answer.text


async def test_platform_get_unknown(client):
    answer = await client.get(f"/api/platforms/{UNKNOWN_ID}")
    assert answer.status == 404
    assert UNKNOWN_ID in answer.json["error"]


async def test_platform_put_partial_keeps_secret(client, server):
    platform = await create(client)
    answer = await client.put(
        f"/api/platforms/{platform['id']}", {"config": {"allowed_chat_ids": [42]}}
    )
    assert answer.status == 200
    assert answer.json["config"]["allowed_chat_ids"] == [42]
    assert answer.json["config"]["bot_token_set"] is True
    assert (await stored_config(server, platform["id"]))["bot_token"] == TELEGRAM_TOKEN


async def test_platform_put_without_config_keeps_config(client, server):
    platform = await create(client)
    answer = await client.put(
        f"/api/platforms/{platform['id']}", {"name": "renamed", "enabled": True}
    )
    assert answer.status == 200
    assert answer.json["name"] == "renamed"
    assert answer.json["enabled"] is True
    assert answer.json["config"] == platform["config"]
    assert (await stored_config(server, platform["id"]))["bot_token"] == TELEGRAM_TOKEN


@pytest.mark.parametrize("masked", ["***", TELEGRAM_TOKEN[:3] + "…" + TELEGRAM_TOKEN[-4:]])
async def test_platform_put_masked_secret_kept(client, server, masked):
    platform = await create(client)
    answer = await client.put(f"/api/platforms/{platform['id']}", {"config": {"bot_token": masked}})
    assert answer.status == 200
    assert (await stored_config(server, platform["id"]))["bot_token"] == TELEGRAM_TOKEN


async def test_platform_put_round_trip_keeps_secret(client, server):
    platform = await create(client)
    answer = await client.put(f"/api/platforms/{platform['id']}", {"config": platform["config"]})
    assert answer.status == 200
    assert (await stored_config(server, platform["id"]))["bot_token"] == TELEGRAM_TOKEN


async def test_platform_put_new_secret(client, server):
    platform = await create(client)
    answer = await client.put(
        f"/api/platforms/{platform['id']}", {"config": {"bot_token": NEW_TELEGRAM_TOKEN}}
    )
    assert answer.status == 200
    assert answer.json["config"]["bot_token_hint"] == NEW_TELEGRAM_TOKEN[:3] + "…" + NEW_TELEGRAM_TOKEN[-4:]
    assert NEW_TELEGRAM_TOKEN not in answer.text
    assert (await stored_config(server, platform["id"]))["bot_token"] == NEW_TELEGRAM_TOKEN


async def test_platform_put_null_restores_default(client):
    platform = await create(
        client, config={"bot_token": TELEGRAM_TOKEN, "api_base": "http://127.0.0.1:9"}
    )
    answer = await client.put(f"/api/platforms/{platform['id']}", {"config": {"api_base": None}})
    assert answer.status == 200
    assert answer.json["config"]["api_base"] == "https://api.telegram.org"


async def test_platform_put_null_required_secret(client):
    platform = await create(client)
    answer = await client.put(f"/api/platforms/{platform['id']}", {"config": {"bot_token": None}})
    assert answer.status == 400
    assert "'config.bot_token'" in answer.json["error"]


async def test_platform_put_optional_secret_cleared(client):
    platform = await create(client, platform_type="onebot")
    answer = await client.put(f"/api/platforms/{platform['id']}", {"config": {"access_token": ""}})
    assert answer.status == 200
    assert answer.json["config"]["access_token_set"] is False


async def test_platform_put_invalid_config(client):
    platform = await create(client)
    answer = await client.put(
        f"/api/platforms/{platform['id']}", {"config": {"allowed_chat_ids": ["x"]}}
    )
    assert answer.status == 400
    assert "'config.allowed_chat_ids.0'" in answer.json["error"]


async def test_platform_put_invalid_leaves_stored(client):
    platform = await create(client)
    await client.put(
        f"/api/platforms/{platform['id']}", {"name": "new", "config": {"api_base": "x"}}
    )
    answer = await client.get(f"/api/platforms/{platform['id']}")
    assert answer.json == platform


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"platform_type": "irc"}, "platform_type"),
        ({"enabled": "maybe"}, "enabled"),
        ({"config": "x"}, "config"),
    ],
)
async def test_platform_put_invalid_field(client, body, field):
    platform = await create(client)
    answer = await client.put(f"/api/platforms/{platform['id']}", body)
    assert answer.status == 400
    assert field in answer.json["error"]


async def test_platform_put_type_change_revalidates(client):
    platform = await create(client)
    answer = await client.put(f"/api/platforms/{platform['id']}", {"platform_type": "discord"})
    assert answer.status == 400
    assert "'config.application_id'" in answer.json["error"]


async def test_platform_put_type_change(client, server):
    platform = await create(client)
    answer = await client.put(
        f"/api/platforms/{platform['id']}",
        {"platform_type": "onebot", "config": {"http_url": "http://127.0.0.1:5700"}},
    )
    assert answer.status == 200
    assert answer.json["platform_type"] == "onebot"
    assert "bot_token_set" not in answer.json["config"]
    assert "bot_token" not in await stored_config(server, platform["id"])


async def test_platform_put_duplicate_name(client):
    await create(client, name="taken")
    platform = await create(client, name="free")
    answer = await client.put(f"/api/platforms/{platform['id']}", {"name": "taken"})
    assert answer.status == 409
    assert "taken" in answer.json["error"]


async def test_platform_put_unknown(client):
    answer = await client.put(f"/api/platforms/{UNKNOWN_ID}", {"name": "x"})
    assert answer.status == 404


async def test_platform_delete(client):
    platform = await create(client)
    answer = await client.delete(f"/api/platforms/{platform['id']}")
    assert answer.status == 204
    assert answer.text == ""
    assert (await client.get(f"/api/platforms/{platform['id']}")).status == 404


async def test_platform_delete_unknown(client):
    answer = await client.delete(f"/api/platforms/{UNKNOWN_ID}")
    assert answer.status == 404


async def test_platform_needs_login(server, make_client):
    anonymous = make_client(server.url)
    assert (await anonymous.get("/api/platforms")).status == 401
    assert (await anonymous.post("/api/platforms", {"name": "x"})).status == 401
    assert (await anonymous.delete(f"/api/platforms/{UNKNOWN_ID}")).status == 401
