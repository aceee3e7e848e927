"""Request checks that apply before any handler: cross-site writes and response headers."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from aiohttp import web

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The web UI loads only its own files; no inline scripts and no third-party origins.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
GRAPHIQL_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; "
    "style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'"
)


def is_cross_site(request: web.Request) -> bool:
    """Tell whether the request comes from a page on another origin than this server."""
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    return urlsplit(origin).netloc.lower() != (request.host or "").lower()


@web.middleware
async def reject_cross_site_writes(request: web.Request, handler) -> web.StreamResponse:
    """Reject writes from other origins; SameSite=Lax alone allows other ports of the same host."""
    if request.method not in SAFE_METHODS and is_cross_site(request):
        logger.warning("Rejected cross-site %s %s from origin %s", request.method, request.path,
                       request.headers.get("Origin"))
        raise web.HTTPForbidden(reason="Cross-site request rejected")
    return await handler(request)


@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    response = await handler(request)
    if response.prepared:
        return response
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.path == "/graphql":
        headers.setdefault("Content-Security-Policy", GRAPHIQL_CONTENT_SECURITY_POLICY)
    else:
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
