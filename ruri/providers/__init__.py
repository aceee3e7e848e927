"""Clients for model providers."""
