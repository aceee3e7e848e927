"""Skill routes: create, list, get, enable or disable, delete, over REST and GraphQL."""

from __future__ import annotations

from tests.skills.archives import skill_md

SKILL_FIELDS = {"name", "description", "enabled", "when_to_use", "allowed_tools", "files",
                "created_at", "updated_at"}


async def create(client, name: str = "notes", **fields):
    answer = await client.post("/api/skills", {"name": name, "content": skill_md(name, **fields)})
    assert answer.status == 201, answer.text
    return answer.json


async def test_create_skill_returns_object(client):
    answer = await client.post(
        "/api/skills",
        {"name": "notes", "content": skill_md("notes", "Take notes", when_to_use="Meetings",
                                              allowed_tools="[read_file]")},
    )
    assert answer.status == 201
    assert set(answer.json) == SKILL_FIELDS
    assert answer.json["name"] == "notes"
    assert answer.json["description"] == "Take notes"
    assert answer.json["when_to_use"] == "Meetings"
    assert answer.json["allowed_tools"] == ["read_file"]
    assert answer.json["enabled"] is True
    assert answer.json["files"] == []


async def test_create_skill_writes_folder(client, server):
    await create(client, "notes")
    path = server.settings.resolved_data_dir / "skills" / "notes" / "SKILL.md"
    assert path.read_text(encoding="utf-8") == skill_md("notes")


async def test_create_skill_name_mismatch(client):
    answer = await client.post("/api/skills", {"name": "notes", "content": skill_md("other")})
    assert answer.status == 400
    assert "'notes' differs from the SKILL.md frontmatter name 'other'" in answer.json["error"]


async def test_create_skill_missing_content(client):
    answer = await client.post("/api/skills", {"name": "notes"})
    assert answer.status == 400
    assert "'content'" in answer.json["error"]


async def test_create_skill_conflict(client):
    await create(client, "notes")
    answer = await client.post("/api/skills", {"name": "notes", "content": skill_md("notes")})
    assert answer.status == 409


async def test_list_skills(client):
    await create(client, "beta")
    await create(client, "alpha")
    answer = await client.get("/api/skills")
    assert answer.status == 200
    assert [skill["name"] for skill in answer.json] == ["alpha", "beta"]
    assert set(answer.json[0]) == SKILL_FIELDS


async def test_list_skills_empty(client):
    answer = await client.get("/api/skills")
    assert answer.status == 200
    assert answer.json == []


async def test_get_skill_adds_content(client):
    await create(client, "notes")
    answer = await client.get("/api/skills/notes")
    assert answer.status == 200
    assert answer.json["content"] == skill_md("notes")
    assert set(answer.json) == SKILL_FIELDS | {"content"}


async def test_get_skill_unknown(client):
    answer = await client.get("/api/skills/missing")
    assert answer.status == 404


async def test_patch_skill_disables(client):
    await create(client, "notes")
    answer = await client.patch("/api/skills/notes", {"enabled": False})
    assert answer.status == 200
    assert answer.json["enabled"] is False
    listed = await client.get("/api/skills")
    assert listed.json[0]["enabled"] is False


async def test_patch_skill_enables_again(client):
    await create(client, "notes")
    await client.patch("/api/skills/notes", {"enabled": False})
    answer = await client.patch("/api/skills/notes", {"enabled": True})
    assert answer.status == 200
    assert answer.json["enabled"] is True


async def test_patch_skill_missing_enabled(client):
    await create(client, "notes")
    answer = await client.patch("/api/skills/notes", {})
    assert answer.status == 400
    assert "'enabled'" in answer.json["error"]


async def test_patch_skill_unknown(client):
    answer = await client.patch("/api/skills/missing", {"enabled": False})
    assert answer.status == 404


async def test_delete_skill_removes_folder(client, server):
    await create(client, "notes")
    answer = await client.delete("/api/skills/notes")
    assert answer.status == 204
    assert not (server.settings.resolved_data_dir / "skills" / "notes").exists()
    assert (await client.get("/api/skills/notes")).status == 404


async def test_delete_skill_unknown(client):
    answer = await client.delete("/api/skills/missing")
    assert answer.status == 404


async def test_skill_routes_need_login(server, make_client):
    anonymous = make_client(server.url)
    answer = await anonymous.get("/api/skills")
    assert answer.status == 401


async def test_graphql_create_and_query_skill(client):
    created = await client.graphql(
        "mutation($input: SkillInput!) { createSkill(input: $input) { name enabled } }",
        {"input": {"name": "notes", "content": skill_md("notes")}},
    )
    assert created["data"]["createSkill"] == {"name": "notes", "enabled": True}
    queried = await client.graphql('{ skill(name: "notes") { description content } }')
    assert queried["data"]["skill"]["content"] == skill_md("notes")


async def test_graphql_unknown_skill_code(client):
    result = await client.graphql('{ skill(name: "missing") { name } }')
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_skill_files_unusable_on_disk(client, server):
    await create(client, "notes")
    (server.settings.resolved_data_dir / "skills" / "notes" / "SKILL.md").write_text("broken")
    listed = await client.get("/api/skills")
    assert listed.json == []
    deleted = await client.delete("/api/skills/notes")
    assert deleted.status == 204
