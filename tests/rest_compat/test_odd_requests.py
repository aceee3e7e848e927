"""Bodies and requests at the edges of JSON and HTTP: each gets a JSON 4xx, never a 500."""

from __future__ import annotations

import logging

from multidict import CIMultiDict

JSON = {"Content-Type": "application/json"}
DEPTH = 100_000
CONVERSATION = '"bot_name": "b", "chat_type": "group", "chat_id": "c"'


async def test_deep_unknown_field_is_400(client):
    body = "{" + CONVERSATION + ', "extra": ' + "[" * DEPTH + "]" * DEPTH + "}"
    answer = await client.post("/api/conversations", data=body.encode(), headers=JSON)
    assert answer.status == 400
    assert answer.json["error"].startswith("Invalid JSON body:")


async def test_deep_array_body_is_400(client):
    body = "[" * DEPTH + "]" * DEPTH
    answer = await client.post("/api/conversations", data=body.encode(), headers=JSON)
    assert answer.status == 400
    assert answer.json["error"].startswith("Invalid JSON body:")


async def test_long_number_is_400(client):
    body = "{" + CONVERSATION + ', "extra": ' + "1" * 5001 + "}"
    answer = await client.post("/api/conversations", data=body.encode(), headers=JSON)
    assert answer.status == 400
    assert "too many digits" in answer.json["error"]


async def test_nan_is_400(client):
    body = "{" + CONVERSATION + ', "extra": NaN}'
    answer = await client.post("/api/conversations", data=body.encode(), headers=JSON)
    assert answer.status == 400
    assert "NaN" in answer.json["error"]


async def test_infinity_is_400(client):
    body = "{" + CONVERSATION + ', "extra": -Infinity}'
    answer = await client.post("/api/conversations", data=body.encode(), headers=JSON)
    assert answer.status == 400
    assert "Infinity" in answer.json["error"]


async def test_graphql_deep_body_is_400(client):
    body = '{"query": "{ __typename }", "variables": ' + "[" * DEPTH + "]" * DEPTH + "}"
    answer = await client.post("/graphql", data=body.encode(), headers=JSON)
    assert answer.status == 400
    assert answer.json["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_graphql_nan_is_400(client):
    body = '{"query": "{ __typename }", "variables": {"x": NaN}}'
    answer = await client.post("/graphql", data=body.encode(), headers=JSON)
    assert answer.status == 400
    assert "NaN" in answer.json["errors"][0]["message"]


async def test_graphql_valid_body_still_works(client):
    answer = await client.post("/graphql", data=b'{"query": "{ __typename }"}', headers=JSON)
    assert answer.status == 200
    assert answer.json["data"]["__typename"] == "Query"


async def test_head_on_get_route_is_200(client):
    answer = await client.request("HEAD", "/api/providers")
    assert answer.status == 200
    assert answer.text == ""


async def test_head_without_session_is_401(server, make_client):
    answer = await make_client(server.url).request("HEAD", "/api/providers")
    assert answer.status == 401


async def test_two_content_types_is_400(client, caplog):
    # aiohttp rejects the repeated header while parsing, before any Ruri code runs.
    headers = CIMultiDict([("Content-Type", "application/json"), ("Content-Type", "text/plain")])
    body = b"{" + CONVERSATION.encode() + b"}"
    with caplog.at_level(logging.WARNING):
        answer = await client.post("/api/conversations", data=body, headers=headers)
    assert answer.status == 400
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_two_content_types_logs_warning(client, caplog):
    headers = CIMultiDict([("Content-Type", "application/json"), ("Content-Type", "text/plain")])
    with caplog.at_level(logging.WARNING):
        await client.post("/api/conversations", data=b"{}", headers=headers)
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any("BadHttpMessage" in message for message in messages)


async def test_long_query_is_400(client, caplog):
    with caplog.at_level(logging.WARNING):
        answer = await client.get("/api/conversations?keyword=" + "k" * 100_000)
    assert answer.status == 400
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
