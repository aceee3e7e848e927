"""The REST door: each documented `/api` route runs one fixed GraphQL operation."""

from rest_compat.setup import setup_rest

__all__ = ["setup_rest"]
