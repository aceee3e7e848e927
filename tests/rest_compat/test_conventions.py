"""REST door rules that hold on every `/api` path: JSON errors with the right status."""

from __future__ import annotations

JSON = {"Content-Type": "application/json"}


async def test_invalid_json_is_400(client):
    answer = await client.post("/api/conversations", data=b"{not json", headers=JSON)
    assert answer.status == 400
    assert "Invalid JSON" in answer.json["error"]


async def test_invalid_utf8_is_400(client):
    answer = await client.post("/api/conversations", data=b'{"title": "\xff"}', headers=JSON)
    assert answer.status == 400
    assert "error" in answer.json


async def test_body_not_object_is_400(client):
    answer = await client.post("/api/conversations", data=b"[1, 2]", headers=JSON)
    assert answer.status == 400
    assert "object" in answer.json["error"]


async def test_unknown_path_is_404(client):
    answer = await client.get("/api/no-such-thing")
    assert answer.status == 404
    assert "error" in answer.json


async def test_unknown_path_without_session_is_404(server, make_client):
    answer = await make_client(server.url).get("/api/no-such-thing/at/all")
    assert answer.status == 404
    assert "error" in answer.json


async def test_wrong_method_is_405(client):
    answer = await client.patch("/api/providers", {})
    assert answer.status == 405
    assert "error" in answer.json
    assert "GET" in answer.headers["Allow"]


async def test_wrong_content_type_is_415(client):
    answer = await client.post(
        "/api/conversations", data=b"bot_name=b", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status == 415
    assert "application/json" in answer.json["error"]


async def test_json_with_charset_is_accepted(client):
    answer = await client.post(
        "/api/conversations",
        data=b'{"bot_name": "b", "chat_type": "group", "chat_id": "c"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert answer.status == 201


async def test_body_too_large_is_413(make_server, make_client):
    server = await make_server(max_body_bytes=2048)
    client = make_client(server.url)
    await client.login()
    answer = await client.post(
        "/api/conversations", {"bot_name": "b", "chat_type": "group", "chat_id": "c", "title": "x" * 4096}
    )
    assert answer.status == 413
    assert "error" in answer.json


async def test_unknown_fields_are_ignored(client):
    answer = await client.post(
        "/api/conversations",
        {"bot_name": "b", "chat_type": "group", "chat_id": "c", "colour": "blue", "nested": {"a": 1}},
    )
    assert answer.status == 201
    assert "colour" not in answer.json


async def test_missing_body_names_field(client):
    answer = await client.post("/api/conversations")
    assert answer.status == 400
    assert "bot_name" in answer.json["error"]


async def test_bad_query_number_is_400(client):
    answer = await client.get("/api/conversations?offset=ten")
    assert answer.status == 400
    assert "offset" in answer.json["error"]


async def test_success_is_json(client):
    answer = await client.get("/api/providers")
    assert answer.headers["Content-Type"].startswith("application/json")


async def test_unexpected_error_hides_details(client, server, monkeypatch):
    # The one mock here: a service method that raises, because no real input makes it fail.
    async def broken(_filters):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(server.services.conversations, "list", broken)
    answer = await client.get("/api/conversations")
    assert answer.status == 500
    assert set(answer.json) == {"error"}
    assert "secret internal detail" not in answer.text
    assert "Traceback" not in answer.text
    assert "id " in answer.json["error"]


async def test_unexpected_error_masked_over_graphql(client, server, monkeypatch):
    # The one mock here: a service method that raises, because no real input makes it fail.
    async def broken(_filters):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(server.services.conversations, "list", broken)
    result = await client.graphql("{ conversations { id } }")
    error = result["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    assert error["extensions"]["errorId"] in error["message"]
    assert "secret internal detail" not in str(result)


async def test_wrong_field_type_names_snake_case_field(client):
    body = {"name": "p", "api_url": ["not", "a", "string"], "model": "m"}
    answer = await client.post("/api/providers", body)
    assert answer.status == 400
    assert answer.json["error"].startswith("Invalid field 'api_url':")


async def test_wrong_list_item_type_names_index(client):
    answer = await client.put("/api/acp/config", {"allowed_tools": [1]})
    assert answer.status == 400
    assert answer.json["error"].startswith("Invalid field 'allowed_tools[0]':")
