"""ZIP uploads: the accepted layouts, every rejected archive, all-or-nothing installs, limits."""

from __future__ import annotations

import json
import os

import aiohttp

from tests.skills.archives import skill_md, upload, with_declared_size, zip_bytes, zip_with_symlink


def skills_dir(server):
    return server.settings.resolved_data_dir / "skills"


def installed(server) -> list[str]:
    return sorted(path.name for path in skills_dir(server).iterdir())


async def test_upload_root_skill(client, server):
    data = zip_bytes({"SKILL.md": skill_md("root-skill"), "scripts/run.py": "print(1)\n"})
    answer = await upload(client, data)
    assert answer.status == 201, answer.text
    assert [skill["name"] for skill in answer.json] == ["root-skill"]
    assert answer.json[0]["files"] == ["scripts/run.py"]
    assert (skills_dir(server) / "root-skill" / "scripts" / "run.py").read_text() == "print(1)\n"


async def test_upload_wrapper_folder(client):
    data = zip_bytes({"repo-main/SKILL.md": skill_md("wrapped"), "repo-main/ref.md": "Notes"})
    answer = await upload(client, data)
    assert answer.status == 201, answer.text
    assert [skill["name"] for skill in answer.json] == ["wrapped"]
    assert answer.json[0]["files"] == ["ref.md"]


async def test_upload_several_skills(client):
    data = zip_bytes({
        "alpha/SKILL.md": skill_md("alpha"),
        "beta-folder/SKILL.md": skill_md("beta"),
        "README.md": "Two skills",
    })
    answer = await upload(client, data)
    assert answer.status == 201, answer.text
    assert [skill["name"] for skill in answer.json] == ["alpha", "beta"]


async def test_upload_frontmatter_name_wins(client, server):
    data = zip_bytes({"one/SKILL.md": skill_md("first"), "two/SKILL.md": skill_md("second")})
    await upload(client, data)
    assert installed(server) == ["first", "second"]


async def test_upload_wrapper_with_several_skills(client):
    data = zip_bytes({
        "repo-main/alpha/SKILL.md": skill_md("alpha"),
        "repo-main/beta/SKILL.md": skill_md("beta"),
        "repo-main/LICENSE": "MIT",
    })
    answer = await upload(client, data)
    assert answer.status == 201, answer.text
    assert [skill["name"] for skill in answer.json] == ["alpha", "beta"]


async def test_upload_ignores_macosx_and_dot_files(client, server):
    data = zip_bytes({
        "SKILL.md": skill_md("tidy"),
        "__MACOSX/._SKILL.md": b"\x00\x05\x16\x07",
        ".DS_Store": b"\x00\x00",
        "docs/.hidden": "secret",
        "docs/guide.md": "Guide",
    })
    answer = await upload(client, data)
    assert answer.status == 201, answer.text
    assert answer.json[0]["files"] == ["docs/guide.md"]
    assert not (skills_dir(server) / "tidy" / ".DS_Store").exists()
    assert not (skills_dir(server) / "tidy" / "__MACOSX").exists()


async def test_upload_rejects_parent_path(client, server):
    data = zip_bytes({"SKILL.md": skill_md("evil"), "../escape.txt": "x"})
    answer = await upload(client, data)
    assert answer.status == 400
    assert "'..'" in answer.json["error"]
    assert installed(server) == []
    assert not (server.settings.resolved_data_dir / "escape.txt").exists()


async def test_upload_rejects_absolute_path(client, server):
    data = zip_bytes({"SKILL.md": skill_md("evil"), "/tmp/ruri-escape.txt": "x"})
    answer = await upload(client, data)
    assert answer.status == 400
    assert "absolute paths" in answer.json["error"]
    assert installed(server) == []


async def test_upload_rejects_symlink(client, server):
    answer = await upload(client, zip_with_symlink(skill_md("linked"), "data", "/etc/passwd"))
    assert answer.status == 400
    assert "symbolic links" in answer.json["error"]
    assert installed(server) == []


async def test_upload_rejects_too_many_entries(client, server):
    entries = {"SKILL.md": skill_md("crowded")}
    entries.update({f"files/{index}.txt": "x" for index in range(1000)})
    answer = await upload(client, zip_bytes(entries))
    assert answer.status == 400
    assert "1001 entries" in answer.json["error"]
    assert installed(server) == []


async def test_upload_accepts_max_entries(client):
    entries = {"SKILL.md": skill_md("full")}
    entries.update({f"files/{index}.txt": "x" for index in range(999)})
    answer = await upload(client, zip_bytes(entries))
    assert answer.status == 201, answer.text
    assert len(answer.json[0]["files"]) == 999


async def test_upload_rejects_unpacked_size(make_server, make_client):
    server = await make_server(max_upload_bytes=100_000)
    client = make_client(server.url)
    await client.login()
    data = zip_bytes({"SKILL.md": skill_md("big"), "zeros.bin": b"\x00" * 200_000})
    assert len(data) < 100_000
    answer = await upload(client, data)
    assert answer.status == 400
    assert "unpacks to" in answer.json["error"]
    assert installed(server) == []


async def test_upload_rejects_lying_declared_size(make_server, make_client):
    server = await make_server(max_upload_bytes=100_000)
    client = make_client(server.url)
    await client.login()
    data = zip_bytes({"SKILL.md": skill_md("bomb"), "zeros.bin": b"\x00" * 5_000_000})
    data = with_declared_size(data, "zeros.bin", 10)
    answer = await upload(client, data)
    assert answer.status == 400
    assert installed(server) == []


async def test_upload_body_over_limit(make_server, make_client):
    server = await make_server(max_upload_bytes=50_000)
    client = make_client(server.url)
    await client.login()
    data = zip_bytes({"SKILL.md": skill_md("huge"), "noise.bin": os.urandom(80_000)})
    answer = await upload(client, data)
    assert answer.status == 413
    assert installed(server) == []


async def test_upload_larger_than_json_limit(make_server, make_client):
    # The app's JSON body limit is 1 MiB; uploads use max_upload_bytes instead.
    server = await make_server(max_upload_bytes=4 * 1024 * 1024)
    client = make_client(server.url)
    await client.login()
    data = zip_bytes({"SKILL.md": skill_md("roomy"), "noise.bin": os.urandom(2 * 1024 * 1024)})
    answer = await upload(client, data)
    assert answer.status == 201, answer.text


async def test_upload_broken_second_skill_installs_nothing(client, server):
    data = zip_bytes({
        "alpha/SKILL.md": skill_md("alpha"),
        "beta/SKILL.md": "---\nname: beta\n---\nNo description\n",
    })
    answer = await upload(client, data)
    assert answer.status == 400
    assert "beta/SKILL.md" in answer.json["error"]
    assert (await client.get("/api/skills/alpha")).status == 404
    assert installed(server) == []


async def test_upload_duplicate_names(client, server):
    data = zip_bytes({"one/SKILL.md": skill_md("same"), "two/SKILL.md": skill_md("same")})
    answer = await upload(client, data)
    assert answer.status == 400
    assert "both declare the skill name 'same'" in answer.json["error"]
    assert installed(server) == []


async def test_upload_conflict(client):
    await upload(client, zip_bytes({"SKILL.md": skill_md("taken", "First")}))
    answer = await upload(client, zip_bytes({"SKILL.md": skill_md("taken", "Second")}))
    assert answer.status == 409
    kept = await client.get("/api/skills/taken")
    assert kept.json["description"] == "First"


async def test_upload_overwrite(client, server):
    await upload(client, zip_bytes({"SKILL.md": skill_md("taken", "First"), "old.txt": "old"}))
    await client.patch("/api/skills/taken", {"enabled": False})
    answer = await upload(client, zip_bytes({"SKILL.md": skill_md("taken", "Second")}), "?overwrite=true")
    assert answer.status == 201, answer.text
    assert answer.json[0]["description"] == "Second"
    assert answer.json[0]["files"] == []
    assert answer.json[0]["enabled"] is False
    assert installed(server) == ["taken"]


async def test_upload_conflict_with_created_skill(client):
    await client.post("/api/skills", {"name": "taken", "content": skill_md("taken")})
    answer = await upload(client, zip_bytes({"SKILL.md": skill_md("taken")}))
    assert answer.status == 409


async def test_upload_not_a_zip(client, server):
    answer = await upload(client, b"this is not a zip archive")
    assert answer.status == 400
    assert "not a readable ZIP" in answer.json["error"]
    assert installed(server) == []


async def test_upload_without_skill_md(client):
    answer = await upload(client, zip_bytes({"README.md": "Nothing here"}))
    assert answer.status == 400
    assert "no SKILL.md found" in answer.json["error"]


async def test_upload_missing_file_field(client):
    answer = await upload(client, zip_bytes({"SKILL.md": skill_md("x")}), field="archive")
    assert answer.status == 400
    assert "'file'" in answer.json["error"]


async def test_upload_json_body(client):
    answer = await client.post("/api/skills/upload", {"file": "abc"})
    assert answer.status == 415


async def test_upload_needs_login(server, make_client):
    anonymous = make_client(server.url)
    answer = await upload(anonymous, zip_bytes({"SKILL.md": skill_md("x")}))
    assert answer.status == 401


async def test_graphql_upload_mutation(client):
    form = aiohttp.FormData()
    form.add_field("operations", '{"query": "mutation($file: Upload!) { uploadSkills(file: $file) '
                   '{ name files } }", "variables": {"file": null}}')
    form.add_field("map", '{"0": ["variables.file"]}')
    form.add_field("0", zip_bytes({"SKILL.md": skill_md("via-graphql"), "a.txt": "a"}),
                   filename="skills.zip", content_type="application/zip")
    answer = await client.post("/graphql", data=form)
    assert answer.status == 200, answer.text
    assert answer.json["data"]["uploadSkills"] == [{"name": "via-graphql", "files": ["a.txt"]}]


async def test_graphql_upload_over_limit(make_server, make_client):
    server = await make_server(max_upload_bytes=50_000)
    client = make_client(server.url)
    await client.login()
    form = aiohttp.FormData()
    form.add_field("operations", '{"query": "mutation($file: Upload!) { uploadSkills(file: $file) '
                   '{ name } }", "variables": {"file": null}}')
    form.add_field("map", '{"0": ["variables.file"]}')
    form.add_field("0", os.urandom(80_000), filename="skills.zip", content_type="application/zip")
    answer = await client.post("/graphql", data=form)
    assert answer.status == 413


async def test_graphql_upload_needs_login(server, make_client):
    anonymous = make_client(server.url)
    form = aiohttp.FormData()
    form.add_field("operations", '{"query": "mutation($file: Upload!) { uploadSkills(file: $file) '
                   '{ name } }", "variables": {"file": null}}')
    form.add_field("map", '{"0": ["variables.file"]}')
    form.add_field("0", b"zip", filename="skills.zip", content_type="application/zip")
    answer = await anonymous.post("/graphql", data=form)
    assert answer.status == 401


async def test_graphql_upload_cross_site(client):
    form = aiohttp.FormData()
    form.add_field("operations", '{"query": "mutation($file: Upload!) { uploadSkills(file: $file) '
                   '{ name } }", "variables": {"file": null}}')
    form.add_field("map", '{"0": ["variables.file"]}')
    form.add_field("0", zip_bytes({"SKILL.md": skill_md("csrf")}), filename="s.zip")
    answer = await client.post("/graphql", data=form, headers={"Origin": "http://evil.example"})
    assert answer.status == 403


async def test_upload_rest_equals_graphql(client):
    """The REST upload returns what the fixed `UploadSkills` operation returns over /graphql."""
    from rest_compat.operations import load_operations
    from ruri.config import Settings
    from schema import build_schema

    operation = load_operations(build_schema(Settings())._schema)["UploadSkills"]
    rest = await upload(client, zip_bytes({"SKILL.md": skill_md("same-shape"), "notes/a.txt": "a"}))
    assert rest.status == 201, rest.text

    form = aiohttp.FormData()
    form.add_field("operations", json.dumps({
        "query": operation.source, "operationName": "UploadSkills",
        "variables": {"file": None, "overwrite": True},
    }))
    form.add_field("map", '{"0": ["variables.file"]}')
    form.add_field("0", zip_bytes({"SKILL.md": skill_md("same-shape"), "notes/a.txt": "a"}),
                   filename="skills.zip", content_type="application/zip")
    answer = await client.post("/graphql", data=form)
    assert answer.status == 200, answer.text

    volatile = {"created_at", "updated_at"}
    graphql = [{k: v for k, v in skill.items() if k not in volatile}
               for skill in answer.json["data"]["uploadSkills"]]
    assert graphql == [{k: v for k, v in skill.items() if k not in volatile} for skill in rest.json]
