"""Ruri: a self-hosted AI agent server."""

__version__ = "0.1.0"
