"""The agent: history replay, the tool-calling loop and tools."""
