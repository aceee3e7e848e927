"""GraphQL rules: limits, error codes, DataLoader batching and the IDE."""

from __future__ import annotations

from sqlalchemy import event


async def test_depth_limit_is_reported(make_server, make_client):
    server = await make_server(max_query_depth=3)
    client = make_client(server.url)
    await client.login()
    result = await client.graphql(
        "{ conversations { lastMessage { conversation { lastMessage { conversation { id } } } } } }"
    )
    assert "depth" in result["errors"][0]["message"]
    assert result.get("data") is None


async def test_alias_limit_is_reported(make_server, make_client):
    server = await make_server(max_query_aliases=2)
    client = make_client(server.url)
    await client.login()
    result = await client.graphql("{ a: me { id } b: me { id } c: me { id } }")
    assert "aliases" in result["errors"][0]["message"].lower()


async def test_token_limit_is_reported(make_server, make_client):
    server = await make_server(max_query_tokens=150)
    client = make_client(server.url)
    await client.login()
    fields = " ".join(["id username"] * 100)
    result = await client.graphql("{ me { " + fields + " } }")
    assert "token" in result["errors"][0]["message"].lower()


async def test_coded_error_has_code(client):
    result = await client.graphql('{ conversation(id: "missing") { id } }')
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_validation_error_names_field(client):
    result = await client.graphql('mutation { createConversation(input: {botName: "b"}) { id } }')
    assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert result["errors"][0]["extensions"]["field"] == "chat_type"


async def test_ide_served_for_browsers(server, make_client):
    answer = await make_client(server.url).get("/graphql", headers={"Accept": "text/html"})
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "graphiql" in answer.text.lower()


async def fill(server, count: int) -> None:
    conversations = server.services.conversations
    for index in range(count):
        created = await conversations.create({"bot_name": "b", "chat_type": "group", "chat_id": f"c{index}"})
        await conversations.add_message(created.id, {"role": "user", "content": f"m{index}"})


async def count_statements(server, client, query: str) -> tuple[int, dict]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = server.services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = await client.graphql(query)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements), result


LAST_MESSAGES = "{ conversations { id lastMessage { content conversation { chatId } } } }"


async def test_last_message_batched(make_server, make_client):
    small = await make_server()
    large = await make_server()
    await fill(small, 2)
    await fill(large, 8)
    small_client = make_client(small.url)
    large_client = make_client(large.url)
    await small_client.login()
    await large_client.login()
    small_count, _ = await count_statements(small, small_client, LAST_MESSAGES)
    large_count, result = await count_statements(large, large_client, LAST_MESSAGES)
    assert large_count == small_count
    assert len(result["data"]["conversations"]) == 8


async def test_last_message_values(client, server):
    await fill(server, 3)
    result = await client.graphql(LAST_MESSAGES)
    pairs = {item["lastMessage"]["conversation"]["chatId"]: item["lastMessage"]["content"]
             for item in result["data"]["conversations"]}
    assert pairs == {"c0": "m0", "c1": "m1", "c2": "m2"}


async def test_last_message_null_when_empty(client, server):
    await server.services.conversations.create({"bot_name": "b", "chat_type": "group", "chat_id": "x"})
    result = await client.graphql("{ conversations { lastMessage { id } } }")
    assert result["data"]["conversations"][0]["lastMessage"] is None
