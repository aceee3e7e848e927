"""SKILL.md parsing: the frontmatter rules, checked on the parser and through POST /api/skills."""

from __future__ import annotations

import pytest

from ruri.errors import BadRequest
from ruri.skills.frontmatter import parse_skill_md
from tests.skills.archives import skill_md


def test_frontmatter_plain_fields():
    document = parse_skill_md(skill_md("pdf-tools", "Edit PDF files", "Use pdftk.", when_to_use="PDF work"))
    assert document.name == "pdf-tools"
    assert document.description == "Edit PDF files"
    assert document.when_to_use == "PDF work"
    assert document.instructions == "Use pdftk."
    assert document.allowed_tools is None


def test_frontmatter_byte_order_mark():
    document = parse_skill_md("\ufeff" + skill_md("bom"))
    assert document.name == "bom"


def test_frontmatter_crlf_line_endings():
    document = parse_skill_md(skill_md("crlf", body="Line one.\nLine two.").replace("\n", "\r\n"))
    assert document.name == "crlf"
    assert document.instructions == "Line one.\nLine two."


def test_frontmatter_dashes_inside_value():
    text = "---\nname: dashes\ndescription: |\n  before\n  ---\n  after\n---\nBody\n"
    document = parse_skill_md(text)
    assert document.description == "before\n---\nafter"
    assert document.instructions == "Body"


def test_frontmatter_dashes_inline_value():
    document = parse_skill_md(skill_md("inline", "a --- b"))
    assert document.description == "a --- b"


def test_frontmatter_allowed_tools_list():
    document = parse_skill_md(skill_md("listed", allowed_tools="[read_file, write_file]"))
    assert document.allowed_tools == ["read_file", "write_file"]


@pytest.mark.parametrize("value", ["read_file, write_file", "read_file write_file", "read_file,write_file"])
def test_frontmatter_allowed_tools_string(value):
    document = parse_skill_md(skill_md("spelled", **{"allowed-tools": value}))
    assert document.allowed_tools == ["read_file", "write_file"]


def test_frontmatter_allowed_tools_with_pattern():
    document = parse_skill_md(skill_md("pattern", **{"allowed-tools": "Bash(git status:*), read_file"}))
    assert document.allowed_tools == ["Bash(git status:*)", "read_file"]


def test_frontmatter_optional_agent_fields():
    document = parse_skill_md(skill_md("extra", model="gpt-x", **{"user-invocable": "false", "license": "MIT"}))
    assert document.model == "gpt-x"
    assert document.user_invocable is False
    assert document.metadata["license"] == "MIT"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ndescription: x\n---\nBody\n", "missing frontmatter field 'name'"),
        ("---\nname: nodesc\n---\nBody\n", "missing frontmatter field 'description'"),
        ("---\nname: [unclosed\ndescription: x\n---\n", "Invalid YAML"),
        ("---\n- a\n- b\n---\n", "expected a YAML mapping"),
        ("---\n---\nBody\n", "got empty"),
        ("No frontmatter here\n", "must start with YAML frontmatter"),
        ("---\nname: open\ndescription: x\n", "no closing '---'"),
        (skill_md("Bad_Name"), "Invalid skill name 'Bad_Name'"),
        (skill_md("-dash"), "Invalid skill name '-dash'"),
        (skill_md("a" * 65), "Invalid skill name"),
        (skill_md("both", allowed_tools="[a]", **{"allowed-tools": "b"}), "both 'allowed_tools'"),
        (skill_md("typed", allowed_tools="{a: 1}"), "must be a list of tool names"),
        (skill_md("flag", user_invocable="maybe"), "must be true or false"),
    ],
)
def test_frontmatter_rejects(text, expected):
    with pytest.raises(BadRequest) as caught:
        parse_skill_md(text)
    assert expected in caught.value.message


async def test_create_skill_missing_description(client):
    answer = await client.post("/api/skills", {"name": "nodesc", "content": "---\nname: nodesc\n---\nBody\n"})
    assert answer.status == 400
    assert "description" in answer.json["error"]


async def test_create_skill_invalid_yaml(client):
    content = "---\nname: broken\ndescription: [x\n---\n"
    answer = await client.post("/api/skills", {"name": "broken", "content": content})
    assert answer.status == 400
    assert "Invalid YAML" in answer.json["error"]


async def test_create_skill_non_mapping(client):
    answer = await client.post("/api/skills", {"name": "listy", "content": "---\n- a\n---\n"})
    assert answer.status == 400
    assert "YAML mapping" in answer.json["error"]


async def test_create_skill_bad_name_pattern(client):
    answer = await client.post("/api/skills", {"name": "Upper", "content": skill_md("Upper")})
    assert answer.status == 400
    assert "Invalid skill name 'Upper'" in answer.json["error"]


async def test_create_skill_crlf_and_bom(client):
    content = "\ufeff" + skill_md("windows").replace("\n", "\r\n")
    answer = await client.post("/api/skills", {"name": "windows", "content": content})
    assert answer.status == 201, answer.text
    assert answer.json["description"] == "Does a thing"
