"""Run a real Ruri server on a free loopback port, and a small HTTP client for it."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from ruri.app import create_app
from ruri.config import Settings
from ruri.db.migrate import upgrade_to_head
from ruri.services.container import Services
from schema.view import SERVICES_KEY


@dataclass
class Answer:
    status: int
    headers: Any
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


# Cheap password hashing: real Argon2id, but with a cost that suits hundreds of test servers.
TEST_SETTINGS = {"password_hash_time_cost": 1, "password_hash_memory_kib": 256}

_template_db: Path | None = None


async def template_database() -> Path:
    """Return a migrated and seeded SQLite file, made once per test run and copied per server."""
    global _template_db
    if _template_db is None:
        settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="ruri-template-")), **TEST_SETTINGS)
        services = Services.build(settings)
        settings.resolved_data_dir.mkdir(parents=True, exist_ok=True)
        await upgrade_to_head(services.engine)
        await services.auth.seed_default_user()
        await services.aclose()
        _template_db = settings.resolved_data_dir / "ruri.db"
    return _template_db


class RuriServer:
    def __init__(self, data_dir: Path, **overrides: Any) -> None:
        self.settings = Settings(data_dir=data_dir, port=0, **{**TEST_SETTINGS, **overrides})
        self.app: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def services(self) -> Services:
        return self.app[SERVICES_KEY]

    async def start(self) -> RuriServer:
        database = self.settings.resolved_data_dir / "ruri.db"
        if not self.settings.database_url and not database.exists():
            database.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(await template_database(), database)
        self.app = create_app(self.settings)
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


class Client:
    """An HTTP client with its own cookie jar, like one browser."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.token: str | None = None

    async def close(self) -> None:
        await self.session.close()

    async def request(
        self, method: str, path: str, json_body: Any = None, *, headers: dict | None = None, **kwargs: Any
    ) -> Answer:
        if json_body is not None:
            kwargs["json"] = json_body
        async with self.session.request(method, self.base_url + path, headers=headers, **kwargs) as response:
            text = await response.text()
            return Answer(response.status, response.headers, text)

    async def get(self, path: str, **kwargs: Any) -> Answer:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        return await self.request("POST", path, json_body, **kwargs)

    async def put(self, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        return await self.request("PUT", path, json_body, **kwargs)

    async def patch(self, path: str, json_body: Any = None, **kwargs: Any) -> Answer:
        return await self.request("PATCH", path, json_body, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Answer:
        return await self.request("DELETE", path, **kwargs)

    async def login(self, username: str = "ruri", password: str = "ruri") -> Answer:
        answer = await self.post("/api/auth/login", {"username": username, "password": password})
        assert answer.status == 200, answer.text
        self.token = answer.json["token"]
        return answer

    async def graphql(self, query: str, variables: dict | None = None, **kwargs: Any) -> dict:
        answer = await self.post("/graphql", {"query": query, "variables": variables or {}}, **kwargs)
        return answer.json
