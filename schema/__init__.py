"""The Strawberry GraphQL schema: the primary interface to every Ruri resource."""

from schema.build import build_schema

__all__ = ["build_schema"]
