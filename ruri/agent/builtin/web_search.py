"""web_search: ask a SearXNG-compatible search backend and return titles, URLs and snippets."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from pydantic import BaseModel, ConfigDict, Field

from ruri.agent.builtin.base import BuiltinTool
from ruri.agent.tools import ToolContext, ToolFailed

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 5 * 1024 * 1024
MAX_SNIPPET_CHARS = 500


class WebSearchArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=500, description="What to search the web for.")
    max_results: int = Field(default=5, ge=1, le=20, description="Maximum results to return.")


class WebSearchTool(BuiltinTool):
    name = "web_search"
    description = (
        "Search the web. Returns up to `max_results` results, each with a title, URL and a "
        "short snippet of the page."
    )
    Arguments = WebSearchArguments

    def __init__(self, url: str, timeout_seconds: float) -> None:
        super().__init__()
        self._url = url
        self._timeout_seconds = timeout_seconds

    async def execute(self, arguments: WebSearchArguments, context: ToolContext) -> str:
        body = await self._fetch(arguments.query)
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list):
            logger.warning("The web search backend returned JSON without a `results` list")
            raise ToolFailed("The search backend returned an unexpected response; try again later.")
        items = [item for item in results if isinstance(item, dict)][: arguments.max_results]
        if not items:
            return f"No results for '{arguments.query}'. Try other words."
        return "\n\n".join(_format_result(index, item) for index, item in enumerate(items, 1))

    async def _fetch(self, query: str) -> Any:
        timeout = aiohttp.ClientTimeout(total=self._timeout_seconds)
        params = {"q": query, "format": "json"}
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(self._url, params=params) as reply,
            ):
                if reply.status != 200:
                    logger.warning("The web search backend returned HTTP %s", reply.status)
                    raise ToolFailed(
                        f"The search backend failed with HTTP {reply.status}; try again later."
                    )
                data = await _read_limited(reply)
        except TimeoutError:
            logger.warning("The web search backend timed out after %s s", self._timeout_seconds)
            raise ToolFailed(
                f"The search backend did not respond within {self._timeout_seconds:g} s; "
                "try again later."
            ) from None
        except aiohttp.ClientError as exc:
            # The URL is left out of logs and messages: it may carry an access token.
            logger.warning("The web search backend could not be reached: %s", type(exc).__name__)
            raise ToolFailed("The search backend could not be reached; try again later.") from exc
        try:
            return json.loads(data)
        except ValueError:
            logger.warning("The web search backend returned invalid JSON")
            raise ToolFailed("The search backend returned invalid JSON; try again later.") from None


async def _read_limited(reply: aiohttp.ClientResponse) -> bytes:
    data = bytearray()
    async for chunk in reply.content.iter_chunked(65536):
        data += chunk
        if len(data) > MAX_RESPONSE_BYTES:
            raise ToolFailed("The search backend's response was too large; try a narrower query.")
    return bytes(data)


def _format_result(index: int, item: dict[str, Any]) -> str:
    title = str(item.get("title") or "(no title)").strip()
    url = str(item.get("url") or "").strip()
    snippet = " ".join(str(item.get("content") or "").split())[:MAX_SNIPPET_CHARS]
    lines = [f"{index}. {title}", f"   {url}"]
    if snippet:
        lines.append(f"   {snippet}")
    return "\n".join(lines)
