"""The settings each chat platform type needs, as pydantic models.

Secret fields (tokens, app secrets, keys) are marked with `secret_field`; the service stores them
but never returns them. Unknown keys are ignored, so a client may send back the `<field>_set` and
`<field>_hint` keys it read.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ruri.services.text import IdentifierText


class PlatformType(str, Enum):
    onebot = "onebot"
    telegram = "telegram"
    discord = "discord"
    dingtalk = "dingtalk"
    weixin = "weixin"


def secret_field(default: Any = ..., **constraints: Any) -> Any:
    """Declare a field whose value is stored but never returned."""
    return Field(default, json_schema_extra={"secret": True}, **constraints)


def check_url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        examples = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ValueError(f"must be a URL starting with {examples}")
    return value.rstrip("/")


class PlatformConfig(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    # Other names a client may use for a field, mapped to the stored name.
    ALIASES: ClassVar[dict[str, str]] = {}

    @classmethod
    def secret_fields(cls) -> list[str]:
        return [
            name
            for name, info in cls.model_fields.items()
            if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("secret")
        ]


NUMERIC_ID = r"^[0-9]{1,20}$"
TELEGRAM_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,100}")
WEIXIN_TOKEN = re.compile(r"[A-Za-z0-9]{3,32}")
WEIXIN_AES_KEY = re.compile(r"[A-Za-z0-9]{43}")


class OneBotConfig(PlatformConfig):
    """A OneBot v11 implementation (NapCat, Lagrange, go-cqhttp) reached over WebSocket or HTTP."""

    http_url: IdentifierText | None = Field(default=None, max_length=2000)
    # Declared after `http_url` so that its validator can see whether `http_url` was given.
    ws_url: IdentifierText | None = Field(default=None, max_length=2000, validate_default=True)
    access_token: IdentifierText = secret_field("", max_length=1000)
    self_id: str | None = Field(default=None, pattern=NUMERIC_ID)

    @field_validator("http_url")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        return check_url(value, ("http", "https"))

    @field_validator("ws_url")
    @classmethod
    def _check_ws_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("http_url") is None:
            raise ValueError(
                "is required unless config.http_url is set; give the OneBot WebSocket URL "
                "(for example ws://127.0.0.1:3001) or the HTTP API URL"
            )
        return check_url(value, ("ws", "wss"))


class TelegramConfig(PlatformConfig):
    """A Telegram bot from @BotFather, using the Bot API."""

    bot_token: str = secret_field(max_length=200)
    api_base: IdentifierText = Field(default="https://api.telegram.org", max_length=2000)
    # Chat ids allowed to talk to the bot; empty means every chat.
    allowed_chat_ids: list[int] = Field(default_factory=list, max_length=1000)

    @field_validator("api_base")
    @classmethod
    def _check_api_base(cls, value: str) -> str:
        return check_url(value, ("http", "https"))

    @field_validator("bot_token")
    @classmethod
    def _check_bot_token(cls, value: str) -> str:
        # The message never repeats the value, because it is a secret.
        if not TELEGRAM_TOKEN.fullmatch(value):
            raise ValueError("must be the token @BotFather gives, shaped like 123456789:AAE...")
        return value


class DiscordConfig(PlatformConfig):
    """A Discord application with a bot user, using the Gateway and REST API."""

    bot_token: IdentifierText = secret_field(min_length=1, max_length=200)
    application_id: str = Field(pattern=NUMERIC_ID)
    # Gateway intents bitfield; None lets the adapter choose.
    intents: int | None = Field(default=None, ge=0, lt=2**53)


class DingTalkConfig(PlatformConfig):
    """A DingTalk internal app robot in Stream mode."""

    ALIASES: ClassVar[dict[str, str]] = {"app_key": "client_id", "app_secret": "client_secret"}

    client_id: IdentifierText = Field(min_length=1, max_length=200)
    client_secret: IdentifierText = secret_field(min_length=1, max_length=1000)
    robot_code: IdentifierText | None = Field(default=None, min_length=1, max_length=200)


class WeixinConfig(PlatformConfig):
    """A WeChat Official Account, with the server settings of its developer console."""

    app_id: IdentifierText = Field(min_length=1, max_length=100)
    app_secret: IdentifierText = secret_field(min_length=1, max_length=200)
    # WeChat requires 3 to 32 letters or digits for the token, and 43 for the AES key.
    token: str = secret_field(max_length=32)
    encoding_aes_key: str = secret_field("", max_length=43)

    @field_validator("token")
    @classmethod
    def _check_token(cls, value: str) -> str:
        if not WEIXIN_TOKEN.fullmatch(value):
            raise ValueError("must be 3 to 32 letters or digits")
        return value

    @field_validator("encoding_aes_key")
    @classmethod
    def _check_aes_key(cls, value: str) -> str:
        if value and not WEIXIN_AES_KEY.fullmatch(value):
            raise ValueError("must be 43 letters or digits, or empty for plain-text mode")
        return value


CONFIG_MODELS: dict[PlatformType, type[PlatformConfig]] = {
    PlatformType.onebot: OneBotConfig,
    PlatformType.telegram: TelegramConfig,
    PlatformType.discord: DiscordConfig,
    PlatformType.dingtalk: DingTalkConfig,
    PlatformType.weixin: WeixinConfig,
}
