"""Login, sessions, password and username changes, over REST and GraphQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from ruri.db.models import SessionRow, UserRow
from ruri.db.types import utcnow
from tests.support.server import RuriServer

NEW_PASSWORD = "correct horse battery"


def session_cookie_header(answer) -> str:
    return next(value for value in answer.headers.getall("Set-Cookie") if value.startswith("session="))


async def test_login_sets_session_cookie(server, make_client):
    answer = await make_client(server.url).login()
    cookie = session_cookie_header(answer)
    assert cookie.startswith(f"session={answer.json['token']};")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Max-Age" not in cookie
    assert "Secure" not in cookie


async def test_login_remember_me_sets_max_age(server, make_client):
    client = make_client(server.url)
    answer = await client.post(
        "/api/auth/login", {"username": "ruri", "password": "ruri", "remember_me": True}
    )
    assert "Max-Age=2592000" in session_cookie_header(answer)


async def test_login_returns_token_and_user(server, make_client):
    answer = await make_client(server.url).login()
    assert set(answer.json) == {"token", "user"}
    assert set(answer.json["user"]) == {"id", "username", "must_change_password"}
    assert answer.json["user"]["username"] == "ruri"
    assert answer.json["user"]["must_change_password"] is True


async def test_login_wrong_username_and_password_match(server, make_client):
    client = make_client(server.url)
    wrong_user = await client.post("/api/auth/login", {"username": "nobody", "password": "ruri"})
    wrong_password = await client.post("/api/auth/login", {"username": "ruri", "password": "nope"})
    assert wrong_user.status == 401
    assert wrong_password.status == 401
    assert wrong_user.json == wrong_password.json


async def test_login_missing_field_names_it(server, make_client):
    answer = await make_client(server.url).post("/api/auth/login", {"username": "ruri"})
    assert answer.status == 400
    assert "password" in answer.json["error"]


async def test_login_over_graphql_sets_cookie(server, make_client):
    client = make_client(server.url)
    answer = await client.post(
        "/graphql",
        {"query": 'mutation { login(input: {username: "ruri", password: "ruri"}) { token } }'},
    )
    token = answer.json["data"]["login"]["token"]
    assert session_cookie_header(answer).startswith(f"session={token};")
    assert (await client.get("/api/auth/me")).status == 200


async def test_bearer_token_authenticates(client, server, make_client):
    bare = make_client(server.url)
    answer = await bare.get("/api/auth/me", headers={"Authorization": f"Bearer {client.token}"})
    assert answer.status == 200
    assert answer.json["username"] == "ruri"


async def test_me_without_session_is_401(server, make_client):
    answer = await make_client(server.url).get("/api/auth/me")
    assert answer.status == 401
    assert "error" in answer.json


async def test_me_over_graphql_without_session(server, make_client):
    result = await make_client(server.url).graphql("{ me { id } }")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_ends_session(client, server, make_client):
    token = client.token
    answer = await client.post("/api/auth/logout")
    assert answer.status == 200
    bearer = await make_client(server.url).get(
        "/api/auth/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert bearer.status == 401


async def test_logout_clears_cookie(client):
    cookie = session_cookie_header(await client.post("/api/auth/logout"))
    assert cookie.startswith('session="";') or cookie.startswith("session=;")
    assert "Max-Age=0" in cookie
    assert "Path=/" in cookie


async def test_logout_without_session_succeeds(server, make_client):
    answer = await make_client(server.url).post("/api/auth/logout")
    assert answer.status == 200


async def test_change_password_short_is_400(client):
    answer = await client.post(
        "/api/auth/change-password", {"old_password": "ruri", "new_password": "short"}
    )
    assert answer.status == 400
    assert "new_password" in answer.json["error"]


async def test_change_password_same_is_400(client):
    answer = await client.post(
        "/api/auth/change-password", {"old_password": NEW_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert answer.status == 400
    assert "new_password" in answer.json["error"]


async def test_change_password_wrong_old_is_400(client):
    answer = await client.post(
        "/api/auth/change-password", {"old_password": "wrong", "new_password": NEW_PASSWORD}
    )
    assert answer.status == 400
    assert "old_password" in answer.json["error"]


async def test_change_password_ends_other_sessions(client, server, make_client):
    other = make_client(server.url)
    await other.login()
    answer = await client.post(
        "/api/auth/change-password", {"old_password": "ruri", "new_password": NEW_PASSWORD}
    )
    assert answer.status == 200
    assert answer.json["must_change_password"] is False
    assert (await other.get("/api/auth/me")).status == 401
    assert (await client.get("/api/auth/me")).status == 200


async def test_change_password_allows_new_login(client, server, make_client):
    await client.post("/api/auth/change-password", {"old_password": "ruri", "new_password": NEW_PASSWORD})
    fresh = make_client(server.url)
    old = await fresh.post("/api/auth/login", {"username": "ruri", "password": "ruri"})
    assert old.status == 401
    assert (await fresh.login(password=NEW_PASSWORD)).status == 200


async def test_change_username_renames(client):
    answer = await client.put("/api/auth/username", {"new_username": "alice"})
    assert answer.status == 200
    assert answer.json["username"] == "alice"
    assert (await client.get("/api/auth/me")).json["username"] == "alice"


async def test_change_username_empty_is_400(client):
    answer = await client.put("/api/auth/username", {"new_username": ""})
    assert answer.status == 400
    assert "new_username" in answer.json["error"]


async def test_change_username_taken_is_409(client, server):
    async with server.services.db.begin() as session:
        session.add(UserRow(username="taken", password_hash="x", must_change_password=False))
    answer = await client.put("/api/auth/username", {"new_username": "taken"})
    assert answer.status == 409
    assert "taken" in answer.json["error"]


async def test_session_survives_restart(tmp_path, make_client):
    first = await RuriServer(tmp_path / "data").start()
    client = make_client(first.url)
    await client.login()
    token = client.token
    await first.stop()
    second = await RuriServer(tmp_path / "data").start()
    try:
        answer = await make_client(second.url).get(
            "/api/auth/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status == 200
    finally:
        await second.stop()


async def expire_sessions(server) -> None:
    async with server.services.db.begin() as session:
        await session.execute(update(SessionRow).values(expires_at=utcnow() - timedelta(seconds=1)))


async def test_expired_session_is_401(client, server):
    await expire_sessions(server)
    assert (await client.get("/api/auth/me")).status == 401


async def test_remove_expired_sessions_deletes_rows(client, server):
    await expire_sessions(server)
    removed = await server.services.auth.remove_expired_sessions()
    async with server.services.db() as session:
        left = list(await session.scalars(select(SessionRow.id)))
    assert removed == 1
    assert left == []


async def test_remove_expired_sessions_keeps_live(client, server):
    assert await server.services.auth.remove_expired_sessions() == 0


async def test_login_throttled_after_failures(make_server, make_client):
    server = await make_server(login_max_failures=2, login_window_seconds=60)
    client = make_client(server.url)
    for _ in range(2):
        answer = await client.post("/api/auth/login", {"username": "ruri", "password": "bad"})
        assert answer.status == 401
    answer = await client.post("/api/auth/login", {"username": "ruri", "password": "ruri"})
    assert answer.status == 429
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
    assert "error" in answer.json


async def test_login_throttled_over_graphql(make_server, make_client):
    server = await make_server(login_max_failures=1)
    client = make_client(server.url)
    await client.post("/api/auth/login", {"username": "ruri", "password": "bad"})
    result = await client.graphql('mutation { login(input: {username: "ruri", password: "ruri"}) { token } }')
    assert result["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert result["errors"][0]["extensions"]["retryAfter"] >= 1


async def test_cross_site_post_is_403(client):
    answer = await client.post(
        "/api/conversations",
        {"bot_name": "b", "chat_type": "private", "chat_id": "c"},
        headers={"Origin": "http://evil.example"},
    )
    assert answer.status == 403
    assert "error" in answer.json


async def test_same_origin_post_is_allowed(client, server):
    answer = await client.post(
        "/api/conversations",
        {"bot_name": "b", "chat_type": "private", "chat_id": "c"},
        headers={"Origin": server.url},
    )
    assert answer.status == 201


async def test_cross_site_graphql_post_is_403(client):
    answer = await client.post("/graphql", {"query": "{ me { id } }"}, headers={"Origin": "http://evil.example"})
    assert answer.status == 403


async def test_logout_over_graphql_clears_cookie(client):
    answer = await client.post("/graphql", {"query": "mutation { logout }"})
    assert answer.json["data"]["logout"] is True
    assert "Max-Age=0" in session_cookie_header(answer)
    assert (await client.get("/api/auth/me")).status == 401


async def test_bearer_token_over_graphql(client, server, make_client):
    bare = make_client(server.url)
    result = await bare.graphql("{ me { username } }", headers={"Authorization": f"Bearer {client.token}"})
    assert result["data"]["me"]["username"] == "ruri"


async def test_change_username_taken_over_graphql(client, server):
    async with server.services.db.begin() as session:
        session.add(UserRow(username="taken", password_hash="x", must_change_password=False))
    result = await client.graphql('mutation { changeUsername(input: {newUsername: "taken"}) { id } }')
    assert result["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert result["errors"][0]["extensions"]["field"] == "new_username"
