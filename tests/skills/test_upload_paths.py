"""ZIP uploads with clashing or unwritable paths give 400 and install nothing."""

from __future__ import annotations

import aiohttp

from tests.skills.archives import skill_md, upload, zip_bytes
from tests.skills.test_upload import installed


async def test_upload_file_and_folder(client, server):
    data = zip_bytes({"SKILL.md": skill_md("clash"), "x": "file", "x/y": "inside"})
    answer = await upload(client, data)
    assert answer.status == 400, answer.text
    assert answer.json["error"] == "Invalid ZIP entry 'x': it is both a file and a folder"
    assert installed(server) == []


async def test_upload_folder_listed_before_file(client, server):
    data = zip_bytes({"SKILL.md": skill_md("clash"), "x/y": "inside", "x": "file"})
    answer = await upload(client, data)
    assert answer.status == 400, answer.text
    assert answer.json["error"] == "Invalid ZIP entry 'x': it is both a file and a folder"
    assert installed(server) == []


async def test_upload_file_and_folder_entry(client, server):
    data = zip_bytes({"SKILL.md": skill_md("clash"), "x/": b"", "x": "file"})
    answer = await upload(client, data)
    assert answer.status == 400, answer.text
    assert "'x': it is both a file and a folder" in answer.json["error"]
    assert installed(server) == []


async def test_upload_file_and_folder_in_second_skill(client, server):
    data = zip_bytes({
        "alpha/SKILL.md": skill_md("alpha"),
        "beta/SKILL.md": skill_md("beta"),
        "beta/x": "file",
        "beta/x/y": "inside",
    })
    answer = await upload(client, data)
    assert answer.status == 400, answer.text
    assert "'beta/x'" in answer.json["error"]
    assert installed(server) == []


async def test_upload_case_only_clash(client, server):
    data = zip_bytes({"SKILL.md": skill_md("cased"), "A.md": "upper", "a.md": "lower"})
    answer = await upload(client, data)
    assert answer.status == 400, answer.text
    assert answer.json["error"] == "Invalid ZIP entry 'a.md': 'a.md' and 'A.md' differ only in letter case"
    assert installed(server) == []


async def test_upload_folder_case_clash(client, server):
    data = zip_bytes({"SKILL.md": skill_md("cased"), "Docs/a.md": "a", "docs/b.md": "b"})
    answer = await upload(client, data)
    assert answer.status == 400, answer.text
    assert "'docs' and 'Docs' differ only in letter case" in answer.json["error"]
    assert installed(server) == []


async def test_upload_distinct_names_accepted(client):
    data = zip_bytes({"SKILL.md": skill_md("plain"), "x/y": "inside", "xy": "file", "a.md": "a"})
    answer = await upload(client, data)
    assert answer.status == 201, answer.text
    assert answer.json[0]["files"] == ["a.md", "x/y", "xy"]


async def test_upload_unwritable_name(client, server):
    # No check in `list_files` catches a name longer than the file system allows, so this reaches
    # the write and shows that an OSError there still gives 400.
    long_name = "n" * 300 + ".txt"
    data = zip_bytes({"SKILL.md": skill_md("long"), long_name: "text"})
    answer = await upload(client, data)
    assert answer.status == 400, answer.text
    assert answer.json["error"].startswith(f"Invalid ZIP entry '{long_name}': cannot write it")
    assert installed(server) == []


async def test_graphql_upload_file_and_folder(client, server):
    form = aiohttp.FormData()
    form.add_field("operations", '{"query": "mutation($file: Upload!) { uploadSkills(file: $file) '
                   '{ name } }", "variables": {"file": null}}')
    form.add_field("map", '{"0": ["variables.file"]}')
    data = zip_bytes({"SKILL.md": skill_md("clash"), "x": "file", "x/y": "inside"})
    form.add_field("0", data, filename="skills.zip", content_type="application/zip")
    answer = await client.post("/graphql", data=form)
    assert answer.json["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert installed(server) == []
