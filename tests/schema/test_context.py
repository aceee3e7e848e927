"""The session cookie attributes, including `Secure` when the request came over HTTPS."""

from __future__ import annotations

from aiohttp import web

from schema.context import CookieChange, apply_cookie_change


def cookie_text(change: CookieChange, *, secure: bool) -> str:
    response = web.Response()
    apply_cookie_change(response, change, secure=secure)
    return response.cookies["session"].OutputString()


def test_cookie_secure_over_https():
    assert "Secure" in cookie_text(CookieChange(token="abc"), secure=True)


def test_cookie_not_secure_over_http():
    assert "Secure" not in cookie_text(CookieChange(token="abc"), secure=False)


def test_cleared_cookie_secure_over_https():
    text = cookie_text(CookieChange(token=None), secure=True)
    assert "Max-Age=0" in text
    assert "Secure" in text
