"""The `ruri` command: help text, `python -m ruri`, and a real start over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from ruri.cli import settings_from_args
from ruri.config import Settings

FLAGS = ["--host", "--port", "--remote", "--data-dir", "--log-level", "--acp"]


def run_help(*command: str) -> str:
    completed = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.mark.parametrize("flag", FLAGS)
def test_help_explains_flag(flag):
    output = run_help(sys.executable, "-m", "ruri")
    environment_name = "RURI_" + flag.removeprefix("--").upper().replace("-", "_")
    assert flag in output
    # Each flag's help names the environment variable that sets it, so it has its own text.
    assert environment_name in output


def test_console_script_help():
    script = Path(sys.executable).parent / "ruri"
    assert "--data-dir" in run_help(str(script))


def test_flags_override_settings(tmp_path):
    settings = settings_from_args(["--port", "4567", "--data-dir", str(tmp_path), "--remote"])
    assert settings.port == 4567
    assert settings.data_dir == tmp_path
    assert settings.bind_host == "0.0.0.0"


def test_environment_sets_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("RURI_PORT", "4568")
    monkeypatch.setenv("RURI_DATA_DIR", str(tmp_path))
    settings = settings_from_args([])
    assert settings.port == 4568
    assert settings.data_dir == tmp_path


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"host": "127.0.0.1"}, True),
        ({"host": "::1"}, True),
        ({"host": "localhost"}, True),
        ({"host": "0.0.0.0"}, False),
        ({"host": "192.168.1.10"}, False),
        ({"host": "127.0.0.1", "remote": True}, False),
    ],
)
def test_is_loopback_only(overrides, expected):
    assert Settings(**overrides).is_loopback_only is expected


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_for_line(stream: asyncio.StreamReader, text: str) -> None:
    while True:
        line = await stream.readline()
        if not line:
            raise AssertionError(f"the server exited before printing {text!r}")
        if text in line.decode(errors="replace"):
            return


async def test_module_serves_login(tmp_path):
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("RURI_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ruri", "--port", str(port), "--data-dir", str(tmp_path / "data"),
        stderr=asyncio.subprocess.PIPE, env=environment,
    )
    try:
        await asyncio.wait_for(wait_for_line(process.stderr, "listening on"), timeout=60)
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"http://127.0.0.1:{port}/api/auth/login", json={"username": "ruri", "password": "ruri"}
            ) as response:
                status = response.status
                body = await response.json()
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), timeout=30)
    assert status == 200
    assert body["user"]["username"] == "ruri"
    assert (tmp_path / "data" / "ruri.db").is_file()
