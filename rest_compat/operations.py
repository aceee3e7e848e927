"""Load the fixed GraphQL documents and check them against the schema at start."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor

OPERATIONS_DIR = Path(__file__).parent / "operations"


@dataclass(frozen=True)
class Operation:
    name: str
    source: str
    # Variable name -> GraphQL type as written, for example "Int" or "ProviderInput!".
    variable_types: dict[str, str]
    document: DocumentNode


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args) -> None:
        self.names.add(node.name.value)


def _spreads(node) -> set[str]:
    collector = _SpreadCollector()
    visit(node, collector)
    return collector.names


def _used_fragments(operation, fragments: dict[str, FragmentDefinitionNode]) -> list:
    pending = list(_spreads(operation))
    used: dict[str, FragmentDefinitionNode] = {}
    while pending:
        name = pending.pop()
        if name in used:
            continue
        used[name] = fragments[name]
        pending.extend(_spreads(fragments[name]))
    return [used[name] for name in sorted(used)]


@functools.lru_cache(maxsize=8)
def load_operations(schema, directory: Path = OPERATIONS_DIR) -> dict[str, Operation]:
    """Parse every `.graphql` file, pair each operation with its fragments, validate each."""
    definitions = []
    for path in sorted(directory.glob("*.graphql")):
        definitions.extend(parse(path.read_text(encoding="utf-8")).definitions)
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}

    operations: dict[str, Operation] = {}
    for definition in definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        name = definition.name.value
        document = DocumentNode(definitions=(definition, *_used_fragments(definition, fragments)))
        errors = validate(schema, document)
        if errors:
            raise ValueError(f"REST operation {name} does not fit the schema: {errors[0].message}")
        operations[name] = Operation(
            name=name,
            source=print_ast(document),
            variable_types={
                var.variable.name.value: print_ast(var.type)
                for var in definition.variable_definitions or ()
            },
            document=document,
        )
    return operations
