"""The login throttle's sliding window, driven by a test clock instead of real time."""

from __future__ import annotations

import pytest

from ruri.errors import RateLimited
from ruri.services.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_allows_below_limit():
    throttle = LoginThrottle(3, 60, clock=Clock())
    throttle.record_failure("a")
    throttle.record_failure("a")
    throttle.check("a")


def test_throttle_rejects_at_limit_with_retry_after():
    clock = Clock()
    throttle = LoginThrottle(2, 60, clock=clock)
    throttle.record_failure("a")
    clock.now += 10
    throttle.record_failure("a")
    with pytest.raises(RateLimited) as caught:
        throttle.check("a")
    assert caught.value.retry_after == 50


def test_throttle_window_expires():
    clock = Clock()
    throttle = LoginThrottle(1, 60, clock=clock)
    throttle.record_failure("a")
    clock.now += 61
    throttle.check("a")


def test_throttle_keys_by_client():
    throttle = LoginThrottle(1, 60, clock=Clock())
    throttle.record_failure("a")
    throttle.check("b")


def test_throttle_reset_forgives():
    throttle = LoginThrottle(1, 60, clock=Clock())
    throttle.record_failure("a")
    throttle.reset("a")
    throttle.check("a")
