"""Count failed logins per client and answer 429 once a client fails too often."""

from __future__ import annotations

import math
import time
from collections import deque

from ruri.errors import RateLimited


class LoginThrottle:
    """Allow at most `max_failures` failed logins per client within a sliding window.

    The state is in memory, so a restart forgives earlier failures; that is acceptable for a
    single-process server. Clients are keyed by remote address.
    """

    def __init__(self, max_failures: int, window_seconds: float, clock=time.monotonic) -> None:
        self._max_failures = max_failures
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def check(self, client: str) -> None:
        failures = self._recent(client)
        if len(failures) >= self._max_failures:
            retry_after = max(1, math.ceil(failures[0] + self._window - self._clock()))
            raise RateLimited(
                f"Too many failed logins; try again in {retry_after} seconds",
                retry_after=retry_after,
            )

    def record_failure(self, client: str) -> None:
        self._recent(client).append(self._clock())

    def reset(self, client: str) -> None:
        self._failures.pop(client, None)

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        cutoff = self._clock() - self._window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if len(self._failures) > 10_000:
            self._forget_idle_clients(cutoff)
        return failures

    def _forget_idle_clients(self, cutoff: float) -> None:
        for key in [key for key, times in self._failures.items() if not times or times[-1] <= cutoff]:
            del self._failures[key]
