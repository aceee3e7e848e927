"""Assemble the schema from the per-domain query, mutation and subscription types."""

from __future__ import annotations

import functools
import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from ruri.config import Settings
from ruri.errors import RuriError
from schema.acp import AcpMutation, AcpQuery
from schema.auth import AuthMutation, AuthQuery
from schema.agent import AgentQuery, AgentSubscription
from schema.chat import ChatMutation, ChatQuery, ChatSubscription
from schema.conversations import ConversationMutation, ConversationQuery
from schema.errors import ErrorCodes
from schema.guard import SessionGuard
from schema.loaders import RequestLoaders
from schema.logs import LogQuery, LogSubscription
from schema.mcp import McpMutation, McpQuery
from schema.platforms import PlatformMutation, PlatformQuery
from schema.providers import ProviderMutation, ProviderQuery
from schema.skills import SkillMutation, SkillQuery
from schema.tools import ToolQuery

logger = logging.getLogger(__name__)

QUERY_TYPES: list[type] = [AuthQuery, ProviderQuery, ConversationQuery, ChatQuery]
MUTATION_TYPES: list[type] = [AuthMutation, ProviderMutation, ConversationMutation, ChatMutation]
SUBSCRIPTION_TYPES: list[type] = []
# ACP settings and chat platform settings.
QUERY_TYPES += [AcpQuery, PlatformQuery]
MUTATION_TYPES += [AcpMutation, PlatformMutation]
# The tools the agent offers the model.
QUERY_TYPES += [ToolQuery]
# Skills.
QUERY_TYPES += [SkillQuery]
MUTATION_TYPES += [SkillMutation]
# The live server log.
QUERY_TYPES += [LogQuery]
SUBSCRIPTION_TYPES += [LogSubscription]
# MCP server settings.
QUERY_TYPES += [McpQuery]
MUTATION_TYPES += [McpMutation]
# Streamed chat runs and the agent status.
QUERY_TYPES += [AgentQuery]
SUBSCRIPTION_TYPES += [ChatSubscription, AgentSubscription]


class RuriSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected errors are the client's business; unexpected ones are logged by ErrorCodes.
        for error in errors:
            if error.original_error is not None and not isinstance(error.original_error, RuriError):
                continue
            logger.debug("GraphQL error: %s", error.message)


def build_schema(settings: Settings) -> strawberry.Schema:
    """Return the schema for these limits; servers in one process share it (tests start many)."""
    return _build_schema(settings.max_query_depth, settings.max_query_aliases, settings.max_query_tokens)


@functools.lru_cache(maxsize=8)
def _build_schema(max_query_depth: int, max_query_aliases: int, max_query_tokens: int) -> strawberry.Schema:
    query = merge_types("Query", tuple(QUERY_TYPES))
    mutation = merge_types("Mutation", tuple(MUTATION_TYPES))
    subscription = merge_types("Subscription", tuple(SUBSCRIPTION_TYPES)) if SUBSCRIPTION_TYPES else None
    # The rule classes are built once: ValidationCache keys on them, so new classes per request
    # would make every request a cache miss.
    limit_rules = [
        *QueryDepthLimiter(max_depth=max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_query_aliases).validation_rules,
    ]
    return RuriSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=[
            ErrorCodes,
            SessionGuard,
            RequestLoaders,
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            lambda: AddValidationRules(limit_rules),
            lambda: MaxTokensLimiter(max_token_count=max_query_tokens),
        ],
    )
