"""`GET /api/tools` and the GraphQL `tools` query list exactly the tools the agent offers."""

from __future__ import annotations

from ruri.agent.tools import Tool, ToolSpec

FILE_TOOLS = ["read_file", "write_file", "edit_file", "list_directory", "search_files"]
TOOLS_QUERY = "{ tools { name description source parameters enabled } }"


class BrokenSource:
    async def tools(self) -> list[Tool]:
        raise RuntimeError("MCP server crashed")


class McpLikeSource:
    async def tools(self) -> list[Tool]:
        return [EchoTool()]


class EchoTool(Tool):
    spec = ToolSpec("echo", "Echo text", {"type": "object", "properties": {}}, "mcp:echo-server")

    async def run(self, arguments, context) -> str:
        return "echo"


async def _names(client) -> list[str]:
    answer = await client.get("/api/tools")
    assert answer.status == 200, answer.text
    return [tool["name"] for tool in answer.json]


async def test_tools_default_list(client):
    assert await _names(client) == FILE_TOOLS


async def test_tools_item_fields(client):
    answer = await client.get("/api/tools")
    read_file = answer.json[0]
    assert set(read_file) == {"name", "description", "source", "parameters", "enabled"}
    assert read_file["source"] == "builtin"
    assert read_file["enabled"] is True
    assert read_file["parameters"]["required"] == ["path"]
    assert read_file["parameters"]["properties"]["offset"]["type"] == "integer"


async def test_tools_match_registry(server, client):
    answer = await client.get("/api/tools")
    specs = [tool.spec for tool in await server.services.tools.tools()]
    assert [item["parameters"] for item in answer.json] == [spec.parameters for spec in specs]


async def test_tools_bash_absent_by_default(client):
    assert "bash" not in await _names(client)


async def test_tools_bash_present_when_enabled(make_server, make_client):
    server = await make_server(bash_tool_enabled=True)
    client = make_client(server.url)
    await client.login()
    assert await _names(client) == [*FILE_TOOLS, "bash"]


async def test_tools_web_search_absent_by_default(client):
    assert "web_search" not in await _names(client)


async def test_tools_web_search_present_with_url(make_server, make_client):
    server = await make_server(web_search_url="http://127.0.0.1:9/search")
    client = make_client(server.url)
    await client.login()
    assert await _names(client) == [*FILE_TOOLS, "web_search"]


async def test_tools_show_mcp_source(server, client):
    server.services.tools.add_source(McpLikeSource())
    answer = await client.get("/api/tools")
    assert answer.json[-1]["source"] == "mcp:echo-server"


async def test_tools_survive_broken_source(server, client):
    server.services.tools.add_source(BrokenSource())
    server.services.tools.add_source(McpLikeSource())
    assert await _names(client) == [*FILE_TOOLS, "echo"]


async def test_tools_graphql_equals_rest(client):
    rest = await client.get("/api/tools")
    graphql = await client.graphql(TOOLS_QUERY)
    assert graphql["data"]["tools"] == rest.json


async def test_tools_need_login(server, make_client):
    answer = await make_client(server.url).get("/api/tools")
    assert answer.status == 401
    assert "error" in answer.json


async def test_tools_wrong_method(client):
    answer = await client.post("/api/tools", {})
    assert answer.status == 405


async def test_tools_in_openapi(client):
    answer = await client.get("/api/openapi.json")
    operation = answer.json["paths"]["/api/tools"]["get"]
    item = operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert set(item["properties"]) == {"name", "description", "source", "parameters", "enabled"}
