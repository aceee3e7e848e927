"""Domain services. Each takes plain values, validates them with pydantic and returns `...Data`."""
