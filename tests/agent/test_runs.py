"""The run manager on its own: runs that end without an outcome and repeated stop requests."""

from __future__ import annotations

import asyncio
import logging

import pytest

from ruri.agent.events import EventKind
from ruri.agent.runs import RunManager
from ruri.errors import RuriError


async def nothing() -> None:
    return None


async def test_runs_body_without_result_emits_error(caplog):
    manager = RunManager(4, nothing)
    run = manager.reserve("c1", "u1")
    with caplog.at_level(logging.WARNING, logger="ruri.agent.runs"):
        await manager.launch(run, nothing)
        with pytest.raises(RuriError):
            await run.wait()
    assert run.events[-1].kind == EventKind.error
    assert run.events[-1].error.message == "The chat run ended without an answer"
    assert "ended without a result or an error" in caplog.text
    assert manager.get("c1") is None


async def test_runs_stop_before_start_ends_run():
    manager = RunManager(4, nothing)
    run = manager.reserve("c1", "u1")
    await manager.launch(run, nothing)
    # `launch` has not yielded yet, so the task is cancelled before its first step.
    run.stop()
    with pytest.raises(RuriError):
        await run.wait()
    assert run.events[-1].kind == EventKind.error
    assert manager.get("c1") is None


async def test_runs_repeated_stop_cancels_once():
    manager = RunManager(4, nothing)
    run = manager.reserve("c1", "u1")
    started = asyncio.Event()

    async def body() -> None:
        started.set()
        await asyncio.Event().wait()

    await manager.launch(run, body)
    await started.wait()
    run.stop()
    run.stop()
    assert run.task.cancelling() == 1
    with pytest.raises(asyncio.CancelledError):
        await run.task
