"""`GET /api/openapi.json` is valid OpenAPI 3.1 and lists every route of the table."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from rest_compat.routes import ROUTES


@pytest.fixture
async def document(client) -> dict:
    answer = await client.get("/api/openapi.json")
    assert answer.status == 200
    return answer.json


async def test_openapi_validates(document):
    validate(document)
    assert document["openapi"].startswith("3.1")


async def test_openapi_lists_every_route(document):
    missing = [
        f"{route.method} {route.path}"
        for route in ROUTES
        if route.method.lower() not in document["paths"].get(route.path, {})
    ]
    assert missing == []


async def test_openapi_public_routes_need_no_security(document):
    assert document["paths"]["/api/auth/login"]["post"]["security"] == []


async def test_openapi_provider_has_no_key_field(document):
    schema = document["paths"]["/api/providers/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "api_key" not in schema["properties"]
    assert "api_key_hint" in schema["properties"]
