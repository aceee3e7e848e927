"""Login, logout, the current user, password and username changes."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from ruri.services.auth import UserData
from schema.context import ctx
from schema.inputs import input_dict


@strawberry.type(description="A user account.")
class User:
    id: strawberry.ID
    username: str
    must_change_password: bool = strawberry.field(
        description="True until the seeded default password has been changed."
    )

    @classmethod
    def from_data(cls, data: UserData) -> User:
        return cls(id=data.id, username=data.username, must_change_password=data.must_change_password)


@strawberry.type(description="A new session; the token also works as a Bearer token.")
class LoginResult:
    token: str
    user: User


@strawberry.input
class LoginInput:
    username: str | None = strawberry.UNSET
    password: str | None = strawberry.UNSET
    remember_me: bool | None = strawberry.UNSET


@strawberry.input
class ChangePasswordInput:
    old_password: str | None = strawberry.UNSET
    new_password: str | None = strawberry.UNSET


@strawberry.input
class ChangeUsernameInput:
    new_username: str | None = strawberry.UNSET


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The logged-in user.")
    async def me(self, info: Info) -> User:
        context = ctx(info)
        return User.from_data(await context.services.auth.get_user(context.require_user().id))


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Log in and set the `session` cookie.")
    async def login(self, info: Info, input: LoginInput) -> LoginResult:
        context = ctx(info)
        result = await context.services.auth.login(input_dict(input), context.client)
        context.change_session_cookie(result.token, result.max_age_seconds)
        return LoginResult(token=result.token, user=User.from_data(result.user))

    @strawberry.mutation(description="End the current session and clear the cookie.")
    async def logout(self, info: Info) -> bool:
        context = ctx(info)
        await context.services.auth.logout(context.token)
        context.change_session_cookie(None)
        return True

    @strawberry.mutation(description="Change the password; the user's other sessions end.")
    async def change_password(self, info: Info, input: ChangePasswordInput) -> User:
        context = ctx(info)
        user = context.require_login()
        data = await context.services.auth.change_password(user.id, context.session_id, input_dict(input))
        return User.from_data(data)

    @strawberry.mutation(description="Change the username; a taken name is a conflict.")
    async def change_username(self, info: Info, input: ChangeUsernameInput) -> User:
        context = ctx(info)
        user = context.require_user()
        return User.from_data(await context.services.auth.change_username(user.id, input_dict(input)))
