"""Conversations and messages: filters, paging, validation, cascade and Unicode."""

from __future__ import annotations

import json
import sqlite3

import pytest

UNICODE_TEXT = "你好 👋🏽 مرحبا 👨‍👩‍👧"


async def create(client, chat_id: str = "chat-1", **fields) -> dict:
    body = {"bot_name": "bot", "chat_type": "private", "chat_id": chat_id, **fields}
    answer = await client.post("/api/conversations", body)
    assert answer.status == 201, answer.text
    return answer.json


async def add(client, conversation_id: str, content: str, role: str = "user") -> dict:
    answer = await client.post(
        f"/api/conversations/{conversation_id}/messages", {"role": role, "content": content}
    )
    assert answer.status == 201, answer.text
    return answer.json


async def raw_post(client, path: str, text: str):
    return await client.post(path, data=text.encode(), headers={"Content-Type": "application/json"})


async def test_create_returns_201_and_fields(client):
    answer = await client.post(
        "/api/conversations", {"bot_name": "b", "chat_type": "group", "chat_id": "c", "title": "T"}
    )
    assert answer.status == 201
    assert set(answer.json) == {
        "id", "bot_name", "chat_type", "chat_id", "title", "created_at", "updated_at", "message_count",
    }
    assert answer.json["message_count"] == 0


async def test_create_title_optional(client):
    assert (await create(client))["title"] is None


@pytest.mark.parametrize("field", ["bot_name", "chat_type", "chat_id"])
async def test_create_missing_field_is_400(client, field):
    body = {"bot_name": "b", "chat_type": "private", "chat_id": "c"}
    del body[field]
    answer = await client.post("/api/conversations", body)
    assert answer.status == 400
    assert field in answer.json["error"]


async def test_create_bad_chat_type_is_400(client):
    answer = await client.post("/api/conversations", {"bot_name": "b", "chat_type": "channel", "chat_id": "c"})
    assert answer.status == 400
    assert "chat_type" in answer.json["error"]


async def test_get_returns_conversation(client):
    created = await create(client)
    answer = await client.get(f"/api/conversations/{created['id']}")
    assert answer.status == 200
    assert answer.json == created


async def test_get_unknown_is_404(client):
    answer = await client.get("/api/conversations/00000000-0000-0000-0000-000000000000")
    assert answer.status == 404
    assert "error" in answer.json


async def test_list_filters_bot_name(client):
    await create(client, bot_name="alpha")
    await create(client, bot_name="beta")
    names = [item["bot_name"] for item in (await client.get("/api/conversations?bot_name=alpha")).json]
    assert names == ["alpha"]


async def test_list_filters_chat_type(client):
    await create(client, chat_type="group")
    await create(client, chat_type="private")
    items = (await client.get("/api/conversations?chat_type=group")).json
    assert [item["chat_type"] for item in items] == ["group"]


async def test_list_bad_chat_type_is_400(client):
    answer = await client.get("/api/conversations?chat_type=channel")
    assert answer.status == 400
    assert "chat_type" in answer.json["error"]


async def test_list_keyword_matches_title_case_insensitive(client):
    await create(client, "a", title="Weekly PLANNING")
    await create(client, "b", title="other")
    items = (await client.get("/api/conversations?keyword=planning")).json
    assert [item["chat_id"] for item in items] == ["a"]


async def test_list_keyword_matches_chat_id(client):
    await create(client, "user-123")
    await create(client, "user-999")
    items = (await client.get("/api/conversations?keyword=R-12")).json
    assert [item["chat_id"] for item in items] == ["user-123"]


@pytest.mark.parametrize("keyword", ["%", "_"])
async def test_list_keyword_wildcards_literal(client, keyword):
    await create(client, "plain", title="plain")
    await create(client, "special", title=f"50{keyword} off")
    items = (await client.get("/api/conversations", params={"keyword": keyword})).json
    assert [item["chat_id"] for item in items] == ["special"]


async def test_list_newest_update_first(client):
    first = await create(client, "first")
    second = await create(client, "second")
    await add(client, first["id"], "bump")
    ids = [item["id"] for item in (await client.get("/api/conversations")).json]
    assert ids == [first["id"], second["id"]]


async def test_list_limit_and_offset(client):
    for index in range(5):
        await create(client, f"c{index}")
    everything = [item["id"] for item in (await client.get("/api/conversations")).json]
    page = [item["id"] for item in (await client.get("/api/conversations?limit=2&offset=1")).json]
    assert page == everything[1:3]


async def test_list_default_limit_is_50(client, server):
    for index in range(51):
        await server.services.conversations.create({"bot_name": "b", "chat_type": "group", "chat_id": f"c{index}"})
    assert len((await client.get("/api/conversations")).json) == 50


@pytest.mark.parametrize("query", ["limit=201", "limit=0", "offset=-1", "limit=abc"])
async def test_list_bad_paging_is_400(client, query):
    answer = await client.get(f"/api/conversations?{query}")
    assert answer.status == 400
    assert query.split("=")[0] in answer.json["error"]


async def test_list_limit_200_allowed(client):
    assert (await client.get("/api/conversations?limit=200")).status == 200


async def test_delete_is_204(client):
    created = await create(client)
    answer = await client.delete(f"/api/conversations/{created['id']}")
    assert answer.status == 204
    assert answer.text == ""
    assert (await client.get(f"/api/conversations/{created['id']}")).status == 404


async def test_delete_unknown_is_404(client):
    answer = await client.delete("/api/conversations/00000000-0000-0000-0000-000000000000")
    assert answer.status == 404


async def test_delete_cascades_messages(client, server):
    created = await create(client)
    await add(client, created["id"], "one")
    await add(client, created["id"], "two")
    await client.delete(f"/api/conversations/{created['id']}")
    database = sqlite3.connect(server.settings.resolved_data_dir / "ruri.db")
    try:
        count = database.execute(
            "SELECT count(*) FROM messages WHERE conversation_id = ?", (created["id"],)
        ).fetchone()[0]
    finally:
        database.close()
    assert count == 0


async def test_add_message_returns_201(client):
    created = await create(client)
    message = await add(client, created["id"], "hello", role="assistant")
    assert message["role"] == "assistant"
    assert message["conversation_id"] == created["id"]
    assert message["content"] == "hello"


@pytest.mark.parametrize("role", ["user", "assistant", "system", "tool"])
async def test_add_message_accepts_role(client, role):
    created = await create(client)
    assert (await add(client, created["id"], "x", role=role))["role"] == role


async def test_add_message_bad_role_is_400(client):
    created = await create(client)
    answer = await client.post(f"/api/conversations/{created['id']}/messages", {"role": "robot", "content": "x"})
    assert answer.status == 400
    assert "role" in answer.json["error"]


async def test_add_message_missing_content_is_400(client):
    created = await create(client)
    answer = await client.post(f"/api/conversations/{created['id']}/messages", {"role": "user"})
    assert answer.status == 400
    assert "content" in answer.json["error"]


async def test_add_message_unknown_conversation_is_404(client):
    answer = await client.post(
        "/api/conversations/00000000-0000-0000-0000-000000000000/messages", {"role": "user", "content": "x"}
    )
    assert answer.status == 404


async def test_add_message_refreshes_updated_at(client):
    created = await create(client)
    message = await add(client, created["id"], "hello")
    after = (await client.get(f"/api/conversations/{created['id']}")).json
    assert after["updated_at"] == message["created_at"]
    assert after["updated_at"] > created["updated_at"]
    assert after["message_count"] == 1


async def test_messages_ascending_in_insertion_order(client):
    created = await create(client)
    for text in ["one", "two", "three", "four"]:
        await add(client, created["id"], text)
    items = (await client.get(f"/api/conversations/{created['id']}/messages")).json
    assert [item["content"] for item in items] == ["one", "two", "three", "four"]


async def test_messages_equal_times_keep_insertion_order(client, server):
    created = await create(client)
    for text in ["a", "b", "c"]:
        await add(client, created["id"], text)
    database = sqlite3.connect(server.settings.resolved_data_dir / "ruri.db")
    try:
        database.execute("UPDATE messages SET created_at = '2024-01-01 00:00:00.000000'")
        database.commit()
    finally:
        database.close()
    items = (await client.get(f"/api/conversations/{created['id']}/messages")).json
    assert [item["content"] for item in items] == ["a", "b", "c"]


async def test_messages_limit_returns_newest(client):
    created = await create(client)
    for text in ["one", "two", "three", "four"]:
        await add(client, created["id"], text)
    items = (await client.get(f"/api/conversations/{created['id']}/messages?limit=2")).json
    assert [item["content"] for item in items] == ["three", "four"]


async def test_messages_before_pages_back(client):
    created = await create(client)
    added = [await add(client, created["id"], text) for text in ["one", "two", "three", "four"]]
    answer = await client.get(f"/api/conversations/{created['id']}/messages?limit=2&before={added[2]['id']}")
    assert [item["content"] for item in answer.json] == ["one", "two"]


async def test_messages_unknown_before_is_404(client):
    created = await create(client)
    answer = await client.get(
        f"/api/conversations/{created['id']}/messages?before=00000000-0000-0000-0000-000000000000"
    )
    assert answer.status == 404


async def test_messages_unknown_conversation_is_404(client):
    answer = await client.get("/api/conversations/00000000-0000-0000-0000-000000000000/messages")
    assert answer.status == 404


async def test_unicode_survives_rest(client):
    created = await create(client, UNICODE_TEXT, bot_name=UNICODE_TEXT, title=UNICODE_TEXT)
    await add(client, created["id"], UNICODE_TEXT)
    fetched = (await client.get(f"/api/conversations/{created['id']}")).json
    listed = (await client.get("/api/conversations", params={"keyword": "👋🏽"})).json
    messages = (await client.get(f"/api/conversations/{created['id']}/messages")).json
    assert fetched["title"] == UNICODE_TEXT
    assert fetched["bot_name"] == UNICODE_TEXT
    assert fetched["chat_id"] == UNICODE_TEXT
    assert [item["id"] for item in listed] == [created["id"]]
    assert messages[0]["content"] == UNICODE_TEXT


async def test_unicode_survives_graphql(client):
    created = await create(client)
    result = await client.graphql(
        "mutation ($id: ID!, $text: String) { addMessage(conversationId: $id, input: {role: \"user\", content: $text}) { content } }",
        {"id": created["id"], "text": UNICODE_TEXT},
    )
    assert result["data"]["addMessage"]["content"] == UNICODE_TEXT


async def test_lone_surrogate_in_content_is_cleaned(client):
    created = await create(client)
    answer = await raw_post(
        client, f"/api/conversations/{created['id']}/messages", '{"role": "user", "content": "a\\ud800b"}'
    )
    assert answer.status == 201
    assert answer.json["content"] == "a\ufffdb"
    assert (await client.get(f"/api/conversations/{created['id']}/messages")).status == 200


async def test_nul_in_content_is_removed(client):
    created = await create(client)
    message = await add(client, created["id"], "a\x00b")
    assert message["content"] == "ab"
    assert (await client.get(f"/api/conversations/{created['id']}/messages")).json[0]["content"] == "ab"


async def test_lone_surrogate_in_title_is_cleaned(client):
    answer = await raw_post(
        client, "/api/conversations",
        '{"bot_name": "b", "chat_type": "private", "chat_id": "c", "title": "t\\udc00"}',
    )
    assert answer.status == 201
    assert answer.json["title"] == "t\ufffd"


@pytest.mark.parametrize("field", ["bot_name", "chat_id"])
async def test_lone_surrogate_in_id_is_400(client, field):
    body = {"bot_name": "b", "chat_type": "private", "chat_id": "c"}
    text = json.dumps(body).replace(f'"{field}": "{body[field]}"', f'"{field}": "x\\ud800"')
    answer = await raw_post(client, "/api/conversations", text)
    assert answer.status == 400
    assert field in answer.json["error"]


@pytest.mark.parametrize("field", ["bot_name", "chat_id"])
async def test_nul_in_id_is_400(client, field):
    body = {"bot_name": "b", "chat_type": "private", "chat_id": "c", field: "x\x00y"}
    answer = await client.post("/api/conversations", body)
    assert answer.status == 400
    assert field in answer.json["error"]


async def test_nul_in_provider_name_is_400(client):
    body = {"name": "a\x00b", "api_url": "http://127.0.0.1:9/v1", "model": "m"}
    answer = await client.post("/api/providers", body)
    assert answer.status == 400
    assert "name" in answer.json["error"]


async def test_lone_surrogate_in_username_is_400(client):
    answer = await client.request(
        "PUT", "/api/auth/username", data=b'{"new_username": "a\\ud800"}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 400
    assert "new_username" in answer.json["error"]


async def test_lone_surrogate_over_graphql_is_cleaned(client):
    created = await create(client)
    query = "mutation ($id: ID!, $text: String) { addMessage(conversationId: $id, input: {role: \"user\", content: $text}) { content } }"
    text = json.dumps({"query": query, "variables": {"id": created["id"], "text": "PLACEHOLDER"}})
    answer = await raw_post(client, "/graphql", text.replace("PLACEHOLDER", "a\\ud800"))
    assert answer.json["data"]["addMessage"]["content"] == "a\ufffd"


async def test_nested_last_message_over_graphql(client):
    created = await create(client)
    await add(client, created["id"], "first")
    await add(client, created["id"], "last")
    result = await client.graphql("{ conversations { lastMessage { content conversation { id } } } }")
    item = result["data"]["conversations"][0]
    assert item["lastMessage"]["content"] == "last"
    assert item["lastMessage"]["conversation"]["id"] == created["id"]


async def test_unicode_survives_provider_name(client):
    body = {"name": UNICODE_TEXT, "api_url": "http://127.0.0.1:9/v1", "model": UNICODE_TEXT}
    created = (await client.post("/api/providers", body)).json
    fetched = (await client.get(f"/api/providers/{created['id']}")).json
    assert fetched["name"] == UNICODE_TEXT
    assert fetched["model"] == UNICODE_TEXT


async def test_unicode_survives_username(client):
    answer = await client.put("/api/auth/username", {"new_username": UNICODE_TEXT})
    assert answer.json["username"] == UNICODE_TEXT
    assert (await client.get("/api/auth/me")).json["username"] == UNICODE_TEXT


async def test_title_too_long_says_characters(client):
    body = {"bot_name": "bot", "chat_type": "private", "chat_id": "c", "title": "t" * 900_000}
    answer = await client.post("/api/conversations", body)
    assert answer.status == 400
    assert answer.json["error"] == "Invalid field 'title': String should have at most 500 characters"


async def test_empty_provider_name_update_says_characters(client, provider):
    answer = await client.put(f"/api/providers/{provider['id']}", {"name": ""})
    assert answer.status == 400
    assert answer.json["error"] == "Invalid field 'name': String should have at least 1 character"
