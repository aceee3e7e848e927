"""ACP settings over REST (`/api/acp/config`) and GraphQL (`acpConfig`, `updateAcpConfig`)."""

from __future__ import annotations

SKILL_TEXT = "---\nname: {name}\ndescription: A skill made by the test.\n---\n\nSay hello.\n"

GET_QUERY = "{ acpConfig { activeProviderId activeSkillNames allowedTools } }"
UPDATE_MUTATION = """
mutation($input: AcpConfigInput!) {
  updateAcpConfig(input: $input) { activeProviderId activeSkillNames allowedTools }
}
"""
DEFAULTS = {"active_provider_id": None, "active_skill_names": [], "allowed_tools": []}


async def install_skill(client, server, name: str) -> None:
    answer = await client.post(
        "/api/skills", {"name": name, "content": SKILL_TEXT.format(name=name)}
    )
    assert answer.status == 201, answer.text


async def test_acp_get_defaults(client):
    answer = await client.get("/api/acp/config")
    assert answer.status == 200
    assert answer.json == DEFAULTS


async def test_acp_graphql_defaults(client):
    result = await client.graphql(GET_QUERY)
    assert result["data"]["acpConfig"] == {
        "activeProviderId": None,
        "activeSkillNames": [],
        "allowedTools": [],
    }


async def test_acp_put_allowed_tools(client):
    answer = await client.put("/api/acp/config", {"allowed_tools": ["read_file", "mcp_gone_tool"]})
    assert answer.status == 200
    assert answer.json["allowed_tools"] == ["read_file", "mcp_gone_tool"]


async def test_acp_put_partial_keeps_other_fields(client, server, provider):
    await install_skill(client, server, "greeter")
    first = await client.put(
        "/api/acp/config",
        {"active_provider_id": provider["id"], "active_skill_names": ["greeter"]},
    )
    assert first.status == 200, first.text

    answer = await client.put("/api/acp/config", {"allowed_tools": ["bash"]})
    assert answer.status == 200
    assert answer.json == {
        "active_provider_id": provider["id"],
        "active_skill_names": ["greeter"],
        "allowed_tools": ["bash"],
    }
    read = await client.get("/api/acp/config")
    assert read.json == answer.json


async def test_acp_put_empty_body_changes_nothing(client):
    await client.put("/api/acp/config", {"allowed_tools": ["bash"]})
    answer = await client.put("/api/acp/config", {})
    assert answer.status == 200
    assert answer.json["allowed_tools"] == ["bash"]


async def test_acp_put_null_restores_defaults(client, provider):
    await client.put(
        "/api/acp/config", {"active_provider_id": provider["id"], "allowed_tools": ["bash"]}
    )
    answer = await client.put(
        "/api/acp/config", {"active_provider_id": None, "allowed_tools": None}
    )
    assert answer.status == 200
    assert answer.json == DEFAULTS


async def test_acp_put_unknown_provider(client):
    answer = await client.put("/api/acp/config", {"active_provider_id": "no-such-provider"})
    assert answer.status == 400
    assert "active_provider_id" in answer.json["error"]
    assert "no-such-provider" in answer.json["error"]


async def test_acp_put_unknown_skill(client, server):
    await install_skill(client, server, "greeter")
    answer = await client.put(
        "/api/acp/config", {"active_skill_names": ["greeter", "missing-skill"]}
    )
    assert answer.status == 400
    assert "active_skill_names" in answer.json["error"]
    assert "missing-skill" in answer.json["error"]


async def test_acp_rejected_put_stores_nothing(client):
    await client.put("/api/acp/config", {"active_skill_names": ["missing"], "allowed_tools": ["x"]})
    answer = await client.get("/api/acp/config")
    assert answer.json == DEFAULTS


async def test_acp_put_skill_name_invalid(client):
    answer = await client.put("/api/acp/config", {"active_skill_names": ["../etc"]})
    assert answer.status == 400
    assert "'active_skill_names.0'" in answer.json["error"]


async def test_acp_put_tool_name_invalid(client):
    for name in ["", "two words"]:
        answer = await client.put("/api/acp/config", {"allowed_tools": ["ok", name]})
        assert answer.status == 400, name
        assert "'allowed_tools.1'" in answer.json["error"]


async def test_acp_put_list_of_numbers(client):
    # GraphQL variable coercion rejects this before the service runs; its message names the
    # GraphQL field, so only the status is checked here.
    answer = await client.put("/api/acp/config", {"allowed_tools": [1]})
    assert answer.status == 400


async def test_acp_put_drops_duplicates(client, server):
    await install_skill(client, server, "greeter")
    answer = await client.put(
        "/api/acp/config",
        {"active_skill_names": ["greeter", "greeter"], "allowed_tools": ["a", "b", "a"]},
    )
    assert answer.json["active_skill_names"] == ["greeter"]
    assert answer.json["allowed_tools"] == ["a", "b"]


async def test_acp_put_ignores_unknown_fields(client):
    answer = await client.put("/api/acp/config", {"allowed_tools": ["a"], "colour": "blue"})
    assert answer.status == 200
    assert "colour" not in answer.json


async def test_acp_graphql_update(client, server, provider):
    await install_skill(client, server, "greeter")
    result = await client.graphql(
        UPDATE_MUTATION,
        {"input": {"activeProviderId": provider["id"], "activeSkillNames": ["greeter"]}},
    )
    assert result["data"]["updateAcpConfig"] == {
        "activeProviderId": provider["id"],
        "activeSkillNames": ["greeter"],
        "allowedTools": [],
    }


async def test_acp_graphql_unknown_provider(client):
    result = await client.graphql(UPDATE_MUTATION, {"input": {"activeProviderId": "nope"}})
    assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "active_provider_id" in result["errors"][0]["message"]


async def test_acp_graphql_unknown_skill(client):
    result = await client.graphql(UPDATE_MUTATION, {"input": {"activeSkillNames": ["nope"]}})
    assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "'nope'" in result["errors"][0]["message"]


async def test_acp_rest_matches_graphql(client):
    await client.put("/api/acp/config", {"allowed_tools": ["a"]})
    rest = await client.get("/api/acp/config")
    result = await client.graphql(
        "{ acpConfig { active_provider_id: activeProviderId "
        "active_skill_names: activeSkillNames allowed_tools: allowedTools } }"
    )
    assert rest.json == result["data"]["acpConfig"]


async def test_acp_needs_login(server, make_client):
    anonymous = make_client(server.url)
    read = await anonymous.get("/api/acp/config")
    write = await anonymous.put("/api/acp/config", {"allowed_tools": []})
    assert read.status == 401
    assert write.status == 401


async def test_acp_deleted_provider_reads_null(client, provider):
    await client.put("/api/acp/config", {"active_provider_id": provider["id"]})
    deleted = await client.delete(f"/api/providers/{provider['id']}")
    assert deleted.status in (200, 204), deleted.text
    answer = await client.get("/api/acp/config")
    assert answer.json["active_provider_id"] is None


async def test_acp_deleted_skill_left_out(client, server):
    await install_skill(client, server, "kept")
    await install_skill(client, server, "gone")
    await client.put("/api/acp/config", {"active_skill_names": ["kept", "gone"]})
    deleted = await client.delete("/api/skills/gone")
    assert deleted.status in (200, 204), deleted.text
    answer = await client.get("/api/acp/config")
    assert answer.json["active_skill_names"] == ["kept"]


async def test_acp_put_after_delete_leaves_deleted_out(client, server):
    await install_skill(client, server, "gone")
    await client.put("/api/acp/config", {"active_skill_names": ["gone"]})
    await client.delete("/api/skills/gone")
    answer = await client.put("/api/acp/config", {"allowed_tools": ["bash"]})
    assert answer.json["active_skill_names"] == []
