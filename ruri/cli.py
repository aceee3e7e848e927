"""The `ruri` command: parse flags, set up logging, run the HTTP server (or ACP over stdio)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from aiohttp import web
from pydantic import ValidationError

import ruri
from ruri.config import DEFAULT_PORT, Settings
from ruri.logs.libraries import set_library_levels
from ruri.logs.redaction import RedactingFormatter

logger = logging.getLogger("ruri")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruri",
        description="Ruri, a self-hosted AI agent server. Every flag can also be set with the "
        "environment variable shown (flags win).",
    )
    parser.add_argument("--host", help="address to listen on (RURI_HOST; default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, help=f"TCP port to listen on (RURI_PORT; default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--remote",
        action="store_true",
        default=None,
        help="listen on all interfaces (0.0.0.0) instead of --host (RURI_REMOTE); the default "
        "password must be changed before anything else works",
    )
    parser.add_argument(
        "--data-dir",
        help="folder for the database, skills and the tool workspace "
        "(RURI_DATA_DIR; default ~/.ruri); created on first start",
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error", "critical"],
        help="lowest level written to the console and the live log (RURI_LOG_LEVEL; default info)",
    )
    parser.add_argument(
        "--acp",
        action="store_true",
        default=None,
        help="speak the Agent Client Protocol on stdin/stdout instead of serving HTTP (RURI_ACP)",
    )
    parser.add_argument("--version", action="version", version=f"ruri {ruri.__version__}")
    return parser


def settings_from_args(argv: list[str] | None = None) -> Settings:
    args = build_parser().parse_args(argv)
    overrides = {key: value for key, value in vars(args).items() if value is not None}
    return Settings(**overrides)


def configure_logging(level: str, library_debug: bool = False) -> None:
    """Write records at `level` and above to stderr, with secrets redacted.

    Libraries that log SQL parameters or HTTP payloads stay at INFO or above unless
    `library_debug` is on. The live log (`ruri.logs`) adds its own root handler when the app starts.
    """
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[console])
    logging.getLogger("alembic").setLevel(logging.WARNING)
    set_library_levels(logging.getLevelNamesMapping()[level.upper()], library_debug)
    # aiohttp's access log repeats every request; keep it for debugging only.
    logging.getLogger("aiohttp.access").setLevel(logging.DEBUG if level == "debug" else logging.WARNING)


def main(argv: list[str] | None = None) -> None:
    try:
        settings = settings_from_args(argv)
    except ValidationError as exc:
        sys.exit(f"ruri: invalid setting: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}")
    configure_logging(settings.log_level, settings.log_library_debug)
    if settings.acp:
        # TODO: serve the Agent Client Protocol on stdio with the stored ACP settings. Until then
        # the flag stops with a clear message, because silently serving HTTP would confuse an IDE.
        sys.exit("ruri: --acp is not available in this version; run without it to serve HTTP")

    from ruri.app import create_app

    app = create_app(settings)
    asyncio.run(serve(app, settings))


async def serve(app: web.Application, settings: Settings) -> None:
    """Serve until SIGINT or SIGTERM, then shut down cleanly.

    The "listening" line is logged only once the socket is bound, so scripts can wait for it.
    """
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        site = web.TCPSite(runner, settings.bind_host, settings.port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1] if site._server else settings.port
        logger.info(
            "Ruri %s listening on http://%s:%d (data in %s)",
            ruri.__version__, settings.bind_host, port, settings.resolved_data_dir,
        )
        await stop.wait()
        logger.info("Stopping on signal")
    finally:
        await runner.cleanup()
