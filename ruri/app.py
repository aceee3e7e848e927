"""Build the aiohttp application: services, GraphQL, the REST door and the web UI."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from aiohttp import web

import web as web_ui
from rest_compat import setup_rest
from rest_compat.setup import api_errors
from ruri.config import Settings
from ruri.db.migrate import upgrade_to_head
from ruri.http.server_log import server_logger
from ruri.http.security import reject_cross_site_writes, security_headers
from ruri.logs.context import request_id_middleware
from ruri.services.container import Services
from schema import build_schema
from schema.view import SERVICES_KEY, RuriGraphQLView

logger = logging.getLogger(__name__)

WEB_DIR = Path(web_ui.__file__).parent
SESSION_CLEANUP_SECONDS = 3600


def prepare_data_dir(settings: Settings) -> Path:
    data_dir = settings.resolved_data_dir
    for path in (data_dir, data_dir / "skills", data_dir / "workspace"):
        path.mkdir(parents=True, exist_ok=True)
    return data_dir


async def _services_context(app: web.Application):
    services: Services = app[SERVICES_KEY]
    await upgrade_to_head(services.engine)
    await services.auth.seed_default_user()
    await services.auth.remove_expired_sessions()
    cleanup = asyncio.create_task(_remove_expired_sessions(services), name="session-cleanup")
    # Enabled MCP servers connect in the background; start does not wait for them.
    await services.mcp.start()
    yield
    await services.mcp.stop()
    cleanup.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await cleanup
    await services.aclose()


async def _live_log_context(app: web.Application):
    """Feed the live log from the root logger while the app runs, on the app's loop."""
    logs = app[SERVICES_KEY].logs
    logs.install(asyncio.get_running_loop())
    yield
    logs.uninstall()


async def _close_sockets(app: web.Application) -> None:
    # Open WebSockets would otherwise hold the shutdown until aiohttp's timeout.
    await app[SERVICES_KEY].sockets.close_all()


async def _remove_expired_sessions(services: Services) -> None:
    while True:
        await asyncio.sleep(SESSION_CLEANUP_SECONDS)
        try:
            await services.auth.remove_expired_sessions()
        except Exception:
            logger.exception("Removing expired sessions failed; trying again in an hour")


async def _index(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_DIR / "index.html")


def create_app(settings: Settings) -> web.Application:
    prepare_data_dir(settings)
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        handler_args={"logger": server_logger},
        middlewares=[request_id_middleware, security_headers, api_errors, reject_cross_site_writes],
    )
    services = Services.build(settings)
    app[SERVICES_KEY] = services
    app.cleanup_ctx.append(_live_log_context)
    app.cleanup_ctx.append(_services_context)
    app.on_shutdown.append(_close_sockets)

    schema = build_schema(settings)
    view = RuriGraphQLView(schema, services)
    app.router.add_route("GET", "/graphql", view)
    app.router.add_route("POST", "/graphql", view)
    setup_rest(app, schema)

    app.router.add_get("/", _index)
    for folder in ("css", "js"):
        if (WEB_DIR / folder).is_dir():
            app.router.add_static(f"/{folder}/", WEB_DIR / folder)
    return app
