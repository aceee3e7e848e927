"""Provider CRUD, the single active provider, key masking and model listing."""

from __future__ import annotations

import socket

import pytest

RAW_KEY = "sk-secret-value-98761234"


def provider_body(name: str = "main", **changes) -> dict:
    body = {
        "name": name,
        "provider_type": "openai_compatible",
        "api_url": "http://127.0.0.1:9/v1",
        "api_key": RAW_KEY,
        "model": "gpt-test",
    }
    body.update(changes)
    return body


async def create(client, name: str = "main", **changes) -> dict:
    answer = await client.post("/api/providers", provider_body(name, **changes))
    assert answer.status == 201, answer.text
    return answer.json


async def test_create_returns_201_and_fields(client):
    answer = await client.post("/api/providers", provider_body())
    assert answer.status == 201
    assert set(answer.json) == {
        "id", "name", "provider_type", "api_url", "model", "api_key_set", "api_key_hint",
        "is_active", "created_at", "updated_at",
    }


async def test_create_masks_key(client):
    provider = await create(client)
    assert provider["api_key_set"] is True
    assert provider["api_key_hint"] == "sk-…1234"


async def test_key_absent_from_every_body(client):
    provider = await create(client)
    bodies = [
        (await client.get("/api/providers")).text,
        (await client.get(f"/api/providers/{provider['id']}")).text,
        (await client.put(f"/api/providers/{provider['id']}", {"model": "other"})).text,
        (await client.post(f"/api/providers/{provider['id']}/activate")).text,
        str(await client.graphql("{ providers { id apiKeySet apiKeyHint } }")),
    ]
    for body in bodies:
        assert RAW_KEY not in body


async def test_create_without_key(client):
    provider = await create(client, api_key="")
    assert provider["api_key_set"] is False
    assert provider["api_key_hint"] is None


async def test_create_other_type_is_400(client):
    answer = await client.post("/api/providers", provider_body(provider_type="anthropic"))
    assert answer.status == 400
    assert "provider_type" in answer.json["error"]


async def test_create_trailing_slash_removed(client):
    provider = await create(client, api_url="http://127.0.0.1:9/v1/")
    assert provider["api_url"] == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "127.0.0.1:9/v1", "javascript:alert(1)", ""])
async def test_create_non_http_url_is_400(client, url):
    answer = await client.post("/api/providers", provider_body(api_url=url))
    assert answer.status == 400
    assert "api_url" in answer.json["error"]


@pytest.mark.parametrize("url", ["http://alice:secret@127.0.0.1:9/v1", "http://alice@127.0.0.1:9/v1"])
async def test_create_url_with_credentials_is_400(client, url):
    answer = await client.post("/api/providers", provider_body(api_url=url))
    assert answer.status == 400
    assert "api_url" in answer.json["error"]
    assert "secret" not in answer.text


@pytest.mark.parametrize("field", ["name", "api_url", "model"])
async def test_create_missing_field_is_400(client, field):
    body = provider_body()
    del body[field]
    answer = await client.post("/api/providers", body)
    assert answer.status == 400
    assert field in answer.json["error"]


async def test_create_duplicate_name_is_409(client):
    await create(client)
    answer = await client.post("/api/providers", provider_body())
    assert answer.status == 409
    assert "main" in answer.json["error"]


async def test_first_provider_is_active(client):
    first = await create(client, "first")
    second = await create(client, "second")
    assert first["is_active"] is True
    assert second["is_active"] is False


async def test_list_returns_all_oldest_first(client):
    await create(client, "first")
    await create(client, "second")
    names = [item["name"] for item in (await client.get("/api/providers")).json]
    assert names == ["first", "second"]


async def test_get_unknown_is_404(client):
    answer = await client.get("/api/providers/00000000-0000-0000-0000-000000000000")
    assert answer.status == 404
    assert "error" in answer.json


async def test_update_changes_only_sent_fields(client):
    provider = await create(client)
    answer = await client.put(f"/api/providers/{provider['id']}", {"model": "gpt-other"})
    assert answer.status == 200
    assert answer.json["model"] == "gpt-other"
    assert answer.json["name"] == "main"
    assert answer.json["api_url"] == provider["api_url"]


async def test_update_without_key_keeps_key(client, server):
    provider = await create(client)
    await client.put(f"/api/providers/{provider['id']}", {"name": "renamed"})
    connection = await server.services.providers.connection(provider["id"])
    assert connection.api_key == RAW_KEY


async def test_update_with_key_replaces_key(client, server):
    provider = await create(client)
    answer = await client.put(f"/api/providers/{provider['id']}", {"api_key": "sk-new-long-key-5678"})
    connection = await server.services.providers.connection(provider["id"])
    assert connection.api_key == "sk-new-long-key-5678"
    assert answer.json["api_key_hint"] == "sk-…5678"


async def test_short_key_has_no_hint(client):
    provider = await create(client, api_key="abc")
    assert provider["api_key_hint"] is None


async def test_fifteen_character_key_has_no_hint(client):
    provider = await create(client, api_key="sk-0123456789ab")
    assert provider["api_key_hint"] is None


async def test_sixteen_character_key_has_hint(client):
    provider = await create(client, api_key="sk-0123456789abc")
    assert provider["api_key_hint"] == "sk-…9abc"


async def test_update_empty_key_clears_key(client):
    provider = await create(client)
    answer = await client.put(f"/api/providers/{provider['id']}", {"api_key": ""})
    assert answer.json["api_key_set"] is False


async def test_update_unknown_is_404(client):
    answer = await client.put("/api/providers/00000000-0000-0000-0000-000000000000", {"model": "x"})
    assert answer.status == 404


async def test_update_duplicate_name_is_409(client):
    await create(client, "first")
    second = await create(client, "second")
    answer = await client.put(f"/api/providers/{second['id']}", {"name": "first"})
    assert answer.status == 409


async def test_update_invalid_url_is_400(client):
    provider = await create(client)
    answer = await client.put(f"/api/providers/{provider['id']}", {"api_url": "file:///etc"})
    assert answer.status == 400
    assert "api_url" in answer.json["error"]


async def test_activate_switches_active(client):
    first = await create(client, "first")
    second = await create(client, "second")
    answer = await client.post(f"/api/providers/{second['id']}/activate")
    assert answer.status == 200
    assert answer.json["is_active"] is True
    states = {item["id"]: item["is_active"] for item in (await client.get("/api/providers")).json}
    assert states == {first["id"]: False, second["id"]: True}


async def test_activate_unknown_is_404(client):
    answer = await client.post("/api/providers/00000000-0000-0000-0000-000000000000/activate")
    assert answer.status == 404


async def test_delete_active_with_others_is_409(client):
    first = await create(client, "first")
    await create(client, "second")
    answer = await client.delete(f"/api/providers/{first['id']}")
    assert answer.status == 409
    assert "activate another" in answer.json["error"]


async def test_delete_inactive_is_204(client):
    await create(client, "first")
    second = await create(client, "second")
    answer = await client.delete(f"/api/providers/{second['id']}")
    assert answer.status == 204
    assert answer.text == ""


async def test_delete_last_is_allowed(client):
    provider = await create(client)
    assert (await client.delete(f"/api/providers/{provider['id']}")).status == 204
    assert (await client.get("/api/providers")).json == []


async def test_delete_unknown_is_404(client):
    answer = await client.delete("/api/providers/00000000-0000-0000-0000-000000000000")
    assert answer.status == 404


async def test_fetch_models_by_provider_id(client, provider, model):
    answer = await client.post("/api/providers/fetch-models", {"provider_id": provider["id"]})
    assert answer.status == 200
    assert answer.json == {"models": ["scripted-large", "scripted-small"]}
    assert model.requests[-1].headers["Authorization"] == "Bearer sk-test-key-1234"


async def test_fetch_models_by_url(client, model):
    answer = await client.post(
        "/api/providers/fetch-models", {"api_url": model.url + "/", "api_key": "sk-typed-0000"}
    )
    assert answer.status == 200
    assert answer.json["models"] == ["scripted-large", "scripted-small"]
    assert model.requests[-1].path == "/v1/models"


async def test_fetch_models_empty_key_sends_no_authorization(client, model):
    answer = await client.post("/api/providers/fetch-models", {"api_url": model.url, "api_key": ""})
    assert answer.status == 200
    assert "Authorization" not in model.requests[-1].headers


async def test_fetch_models_over_graphql(client, model):
    result = await client.graphql(
        "query ($url: String) { providerModels(input: {apiUrl: $url}) { models } }", {"url": model.url}
    )
    assert result["data"]["providerModels"]["models"] == ["scripted-large", "scripted-small"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_fetch_models_refused_is_502(client):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    answer = await client.post("/api/providers/fetch-models", {"api_url": url})
    assert answer.status == 502
    assert url in answer.json["error"]
    assert "connect" in answer.json["error"]


@pytest.mark.parametrize("status", [500, 401])
async def test_fetch_models_upstream_error_is_502(client, model, status):
    model.models_status = status
    answer = await client.post("/api/providers/fetch-models", {"api_url": model.url})
    assert answer.status == 502
    assert model.url in answer.json["error"]
    assert f"HTTP {status}" in answer.json["error"]


async def test_fetch_models_without_url_or_id_is_400(client):
    answer = await client.post("/api/providers/fetch-models", {})
    assert answer.status == 400
    assert "api_url" in answer.json["error"]


async def test_fetch_models_unknown_provider_is_404(client):
    answer = await client.post(
        "/api/providers/fetch-models", {"provider_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert answer.status == 404


async def test_graphql_create_other_type_has_field(client):
    result = await client.graphql(
        'mutation { createProvider(input: {name: "x", providerType: "other", apiUrl: "http://127.0.0.1:9", model: "m"}) { id } }'
    )
    assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert result["errors"][0]["extensions"]["field"] == "provider_type"
