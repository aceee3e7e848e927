"""Per-operation DataLoaders, so nested fields cost one query per level instead of one per row."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension

from ruri.services.container import Services
from ruri.services.conversations import ConversationData, MessageData


class Loaders:
    """The loaders of one operation; their caches live as long as the operation."""

    def __init__(self, services: Services) -> None:
        conversations = services.conversations
        self.conversation: DataLoader[str, ConversationData | None] = DataLoader(
            load_fn=conversations.get_many
        )
        self.last_message: DataLoader[str, MessageData | None] = DataLoader(
            load_fn=conversations.last_messages
        )


class RequestLoaders(SchemaExtension):
    """Give each operation fresh loaders.

    A WebSocket keeps one context for all its operations, so the loaders are replaced per
    operation rather than stored once with the context; otherwise a subscription would keep
    serving rows cached when it started.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if context is not None and hasattr(context, "services"):
            context.loaders = Loaders(context.services)
        yield
