"""web_search against a small SearXNG-like server on 127.0.0.1 that the test starts."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from ruri.agent.tools import ToolFailed
from ruri.config import Settings
from tests.tools.support import call_tool

RESULTS = [
    {"title": "Ruri docs", "url": "https://example.test/ruri", "content": "An agent   server."},
    {"title": "Second", "url": "https://example.test/2", "content": ""},
    {"title": "Third", "url": "https://example.test/3", "content": "More."},
]


def _fixed(make_response):
    """Wrap a response factory as a handler; a response object can be sent only once."""

    async def handler(_request: web.Request) -> web.Response:
        return make_response()

    return handler


class FakeSearch:
    """Serves `/search` (results), `/empty`, `/fail` (503), `/garbage` and `/stall`."""

    def __init__(self) -> None:
        self.queries: list[dict[str, str]] = []
        self.release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> FakeSearch:
        app = web.Application()
        app.router.add_get("/search", self._search)
        app.router.add_get("/empty", _fixed(lambda: web.json_response({"results": []})))
        app.router.add_get(
            "/fail", _fixed(lambda: web.json_response({"error": "down"}, status=503))
        )
        app.router.add_get("/garbage", _fixed(lambda: web.Response(text="<html>not json")))
        app.router.add_get("/stall", self._stall)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def stop(self) -> None:
        self.release.set()
        if self._runner:
            await self._runner.cleanup()

    async def _search(self, request: web.Request) -> web.Response:
        self.queries.append(dict(request.query))
        return web.json_response({"results": RESULTS})

    async def _stall(self, request: web.Request) -> web.Response:
        await self.release.wait()
        return web.json_response({"results": []})


@pytest.fixture
async def search_backend():
    backend = await FakeSearch().start()
    yield backend
    await backend.stop()


async def _server_for(make_server, url: str):
    return await make_server(web_search_url=url, web_search_timeout_seconds=0.5)


async def test_web_search_absent_without_url(server):
    assert await server.services.tools.find("web_search") is None


async def test_web_search_returns_results(make_server, search_backend):
    server = await _server_for(make_server, f"{search_backend.base}/search")
    result = await call_tool(server, "web_search", {"query": "ruri agent", "max_results": 2})
    assert result == (
        "1. Ruri docs\n   https://example.test/ruri\n   An agent server.\n\n"
        "2. Second\n   https://example.test/2"
    )


async def test_web_search_sends_query_and_format(make_server, search_backend):
    server = await _server_for(make_server, f"{search_backend.base}/search")
    await call_tool(server, "web_search", {"query": "ruri agent"})
    assert search_backend.queries == [{"q": "ruri agent", "format": "json"}]


async def test_web_search_no_results(make_server, search_backend):
    server = await _server_for(make_server, f"{search_backend.base}/empty")
    result = await call_tool(server, "web_search", {"query": "nothing"})
    assert result == "No results for 'nothing'. Try other words."


async def test_web_search_backend_error(make_server, search_backend):
    server = await _server_for(make_server, f"{search_backend.base}/fail")
    with pytest.raises(ToolFailed, match="failed with HTTP 503"):
        await call_tool(server, "web_search", {"query": "x"})


async def test_web_search_invalid_json(make_server, search_backend):
    server = await _server_for(make_server, f"{search_backend.base}/garbage")
    with pytest.raises(ToolFailed, match="returned invalid JSON"):
        await call_tool(server, "web_search", {"query": "x"})


async def test_web_search_timeout(make_server, search_backend):
    server = await _server_for(make_server, f"{search_backend.base}/stall")
    with pytest.raises(ToolFailed, match="did not respond within 0.5 s"):
        await call_tool(server, "web_search", {"query": "x"})


async def test_web_search_unreachable(make_server, search_backend):
    url = f"{search_backend.base}/search"
    await search_backend.stop()
    server = await _server_for(make_server, url)
    with pytest.raises(ToolFailed, match="could not be reached"):
        await call_tool(server, "web_search", {"query": "x"})


async def test_web_search_empty_query(make_server, search_backend):
    server = await _server_for(make_server, f"{search_backend.base}/search")
    with pytest.raises(ToolFailed, match="Invalid argument 'query'"):
        await call_tool(server, "web_search", {"query": ""})


def test_web_search_url_must_be_http():
    with pytest.raises(ValueError, match="web_search_url must be an http"):
        Settings(web_search_url="ftp://127.0.0.1/search")
