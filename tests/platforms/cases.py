"""Valid settings for each platform type, with the secrets that must never come back."""

from __future__ import annotations

TELEGRAM_TOKEN = "123456789:AAEsecretTelegramTokenValue_0123456789"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEy.secret-discord.TokenValue0123456789"

# platform_type -> (config to create with, {secret field: raw value})
VALID_CONFIGS: dict[str, tuple[dict, dict[str, str]]] = {
    "onebot": (
        {
            "ws_url": "ws://127.0.0.1:3001",
            "access_token": "onebot-secret-access-token",
            "self_id": "10001",
        },
        {"access_token": "onebot-secret-access-token"},
    ),
    "telegram": (
        {"bot_token": TELEGRAM_TOKEN, "allowed_chat_ids": [12345, -100987]},
        {"bot_token": TELEGRAM_TOKEN},
    ),
    "discord": (
        {"bot_token": DISCORD_TOKEN, "application_id": "112233445566778899", "intents": 513},
        {"bot_token": DISCORD_TOKEN},
    ),
    "dingtalk": (
        {
            "app_key": "ding-client-id",
            "client_secret": "dingtalk-secret-client-value",
            "robot_code": "ding-robot",
        },
        {"client_secret": "dingtalk-secret-client-value"},
    ),
    "weixin": (
        {
            "app_id": "wx0123456789abcdef",
            "app_secret": "weixin-secret-app-value-0001",
            "token": "WeixinToken42",
            "encoding_aes_key": "A" * 21 + "b" * 22,
        },
        {
            "app_secret": "weixin-secret-app-value-0001",
            "token": "WeixinToken42",
            "encoding_aes_key": "A" * 21 + "b" * 22,
        },
    ),
}

# (platform_type, config, field the 400 names)
INVALID_CONFIGS: list[tuple[str, dict, str]] = [
    ("onebot", {"access_token": "x"}, "config.ws_url"),
    ("onebot", {"ws_url": "http://127.0.0.1:3001"}, "config.ws_url"),
    ("onebot", {"http_url": "ftp://127.0.0.1"}, "config.http_url"),
    ("onebot", {"ws_url": "ws://127.0.0.1:3001", "self_id": "not-a-number"}, "config.self_id"),
    ("telegram", {}, "config.bot_token"),
    ("telegram", {"bot_token": "not-a-telegram-token"}, "config.bot_token"),
    ("telegram", {"bot_token": TELEGRAM_TOKEN, "api_base": "api.telegram.org"}, "config.api_base"),
    (
        "telegram",
        {"bot_token": TELEGRAM_TOKEN, "allowed_chat_ids": ["me"]},
        "config.allowed_chat_ids.0",
    ),
    ("discord", {"application_id": "1"}, "config.bot_token"),
    ("discord", {"bot_token": DISCORD_TOKEN}, "config.application_id"),
    (
        "discord",
        {"bot_token": DISCORD_TOKEN, "application_id": "1", "intents": -1},
        "config.intents",
    ),
    ("dingtalk", {"client_secret": "s"}, "config.client_id"),
    ("dingtalk", {"client_id": "c"}, "config.client_secret"),
    ("weixin", {"app_secret": "s", "token": "tok"}, "config.app_id"),
    ("weixin", {"app_id": "wx1", "token": "tok"}, "config.app_secret"),
    ("weixin", {"app_id": "wx1", "app_secret": "s"}, "config.token"),
    ("weixin", {"app_id": "wx1", "app_secret": "s", "token": "a b"}, "config.token"),
    (
        "weixin",
        {"app_id": "wx1", "app_secret": "s", "token": "tok", "encoding_aes_key": "short"},
        "config.encoding_aes_key",
    ),
]


def all_secrets() -> list[str]:
    return [value for _, secrets in VALID_CONFIGS.values() for value in secrets.values()]
