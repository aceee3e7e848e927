"""The set of services one server process runs, built once at start."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from ruri.agent.builtin import BuiltinTools
from ruri.agent.registry import ToolRegistry
from ruri.config import Settings
from ruri.db.engine import create_engine, create_session_factory
from ruri.http.sockets import SocketRegistry
from ruri.logs import LogService
from ruri.mcp import McpService
from ruri.platforms import PlatformService
from ruri.providers.openai_compatible import ModelClients
from ruri.services.acp_config import AcpConfigService
from ruri.services.auth import AuthService
from ruri.services.chat import ChatService
from ruri.services.conversations import ConversationService
from ruri.services.providers import ProviderService
from ruri.services.status import StatusService
from ruri.skills import SkillService, SkillToolSource


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    db: async_sessionmaker
    auth: AuthService
    providers: ProviderService
    conversations: ConversationService
    models: ModelClients
    # The chat runtime and the agent status; built in __post_init__ from the finished container.
    chat: ChatService = field(init=False)
    status: StatusService = field(init=False)
    tools: ToolRegistry
    acp_config: AcpConfigService
    platforms: PlatformService
    # The live log, and the open WebSockets that close when their session ends.
    logs: LogService
    sockets: SocketRegistry
    skills: SkillService
    # MCP server settings and their live connections.
    mcp: McpService
    started_at: float = field(default_factory=time.monotonic)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        engine = create_engine(settings.sqlalchemy_url)
        db = create_session_factory(engine)
        providers = ProviderService(db)
        skills = SkillService(db, settings)

        # Built-in tools come first, then the skill loader; `mcp.attach` adds the MCP tools last.
        tools = ToolRegistry()
        tools.add_source(BuiltinTools(settings))
        tools.add_source(SkillToolSource(skills))

        services = cls(
            settings=settings,
            engine=engine,
            db=db,
            auth=AuthService(db, settings),
            providers=providers,
            conversations=ConversationService(db),
            models=ModelClients(settings),
            tools=tools,
            acp_config=AcpConfigService(db, providers, skills),
            platforms=PlatformService(db),
            logs=LogService(settings),
            sockets=SocketRegistry(),
            skills=skills,
            mcp=McpService(db, settings),
        )
        services._connect_listeners()
        return services

    def __post_init__(self) -> None:
        # Both take the whole container because they use most of its services.
        self.chat = ChatService(self)
        self.status = StatusService(self)

    def _connect_listeners(self) -> None:
        """Push agent status updates and close sockets when the things they show change."""
        self.providers.listeners.append(self.status.changed)
        self.skills.listeners.append(self.status.changed)
        self.auth.session_listeners.append(self.sockets.sessions_ended)
        # Registers the MCP tool source and reports server state changes to the status.
        self.mcp.attach(self)

    async def aclose(self) -> None:
        # Runs stop first so that their partial answers are stored while the database is open.
        await self.chat.aclose()
        await self.models.aclose()
        await self.engine.dispose()
