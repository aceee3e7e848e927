"""The static web UI; the server serves these files as they are."""
