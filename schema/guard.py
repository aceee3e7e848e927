"""Require a session for every root field except login, logout and `__typename`.

The check runs once per operation on the root fields of the document, in one place, so a new
resolver cannot forget it and no per-field cost is paid. Strawberry (0.341) ignores a result set
here for subscriptions, so subscription resolvers call `require_user()` themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from ruri.errors import RuriError

# `__typename` reveals only the root type's name; `__schema` and `__type` need a session, because
# introspection describes every field of the API.
PUBLIC_FIELDS = frozenset({"login", "logout", "__typename"})
# While the default password is in use on a non-loopback address, only these fields work.
DEFAULT_PASSWORD_FIELDS = PUBLIC_FIELDS | {"changePassword"}


def check_root_field(context: Any, field_name: str) -> None:
    if field_name in PUBLIC_FIELDS:
        return
    if field_name in DEFAULT_PASSWORD_FIELDS:
        context.require_login()
    else:
        context.require_user()


def root_field_names(document: Any, operation_name: str | None) -> set[str]:
    fragments = {
        node.name.value: node
        for node in document.definitions
        if node.kind == "fragment_definition"
    }
    operations = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    if operation_name:
        operations = [node for node in operations if node.name and node.name.value == operation_name]
    names: set[str] = set()
    for operation in operations[:1]:
        _collect(operation.selection_set, fragments, names, set())
    return names


def _collect(selection_set, fragments: dict, names: set[str], seen: set[str]) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, names, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                _collect(fragments[name].selection_set, fragments, names, seen)


class SessionGuard(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        try:
            for name in sorted(root_field_names(execution.graphql_document, execution.operation_name)):
                check_root_field(execution.context, name)
        except RuriError as exc:
            execution.result = ExecutionResult(
                data=None, errors=[GraphQLError(exc.message, original_error=exc)]
            )
        yield
