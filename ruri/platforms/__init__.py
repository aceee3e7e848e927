"""Chat platforms (OneBot, Telegram, Discord, DingTalk, WeChat): settings only, no adapters yet."""

from ruri.platforms.models import CONFIG_MODELS, PlatformType
from ruri.platforms.service import PlatformData, PlatformService, PlatformStatusData

__all__ = ["CONFIG_MODELS", "PlatformData", "PlatformService", "PlatformStatusData", "PlatformType"]
