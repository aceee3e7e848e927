"""The root handler: record fields, redaction, thread hand-over and request ids."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from ruri.config import Settings
from ruri.logs import LogService
from ruri.logs.context import bind_conversation, request_id_var
from ruri.logs.redaction import REDACTED, redact


@pytest.fixture
async def logs(tmp_path):
    service = LogService(Settings(data_dir=tmp_path, log_buffer_size=100, log_subscriber_queue=10))
    service.install(asyncio.get_running_loop())
    yield service
    service.uninstall()


def newest(service: LogService):
    return service.hub.recent(0, 1)[0]


async def test_handler_record_fields(logs):
    logging.getLogger("tests.handler").warning("value %d", 42)
    record = newest(logs)
    assert (record.level, record.message, record.logger) == ("warning", "value 42", "tests.handler")


async def test_handler_timestamp_is_utc(logs):
    logging.getLogger("tests.handler").warning("now")
    assert newest(logs).timestamp.utcoffset().total_seconds() == 0


async def test_handler_level_names_lowercase(logs):
    logging.getLogger("tests.handler").critical("down")
    assert newest(logs).level == "critical"


async def test_handler_includes_traceback(logs):
    try:
        raise ValueError("broken value")
    except ValueError:
        logging.getLogger("tests.handler").exception("failed")
    assert "ValueError: broken value" in newest(logs).message


async def test_handler_redacts_before_buffering(logs):
    logging.getLogger("tests.handler").warning("key %s", "sk-abcdef1234567890")
    assert "sk-abcdef1234567890" not in newest(logs).message


async def test_handler_request_id(logs):
    token = request_id_var.set("req123")
    try:
        logging.getLogger("tests.handler").warning("in request")
    finally:
        request_id_var.reset(token)
    assert newest(logs).request_id == "req123"


async def test_handler_conversation_id(logs):
    with bind_conversation("conv-1"):
        logging.getLogger("tests.handler").warning("in chat")
    assert newest(logs).conversation_id == "conv-1"


async def test_handler_thread_record_reaches_subscriber(logs):
    _, subscriber = logs.hub.subscribe(0, since=None)
    thread = threading.Thread(
        target=lambda: logging.getLogger("tests.thread").warning("from thread")
    )
    thread.start()
    thread.join()
    batch = await asyncio.wait_for(subscriber.next_batch(), 5)
    assert batch[0].message == "from thread"


async def test_handler_to_thread_keeps_request_id(logs):
    _, subscriber = logs.hub.subscribe(0, since=None)
    token = request_id_var.set("req-thread")
    try:
        await asyncio.to_thread(logging.getLogger("tests.thread").warning, "worker")
    finally:
        request_id_var.reset(token)
    batch = await asyncio.wait_for(subscriber.next_batch(), 5)
    assert batch[0].request_id == "req-thread"


async def test_follow_rejects_unknown_level(logs):
    from ruri.errors import BadRequest

    with pytest.raises(BadRequest):
        logs.parse_follow({"level": "loud"})


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("provider key sk-proj-AbC123456789", "sk-proj-AbC123456789"),
        ("headers {'Authorization': 'Bearer abc.def'}", "abc.def"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("sent Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi.payload.sig"),
        ("form password=hunter2 next", "hunter2"),
        ('{"new_password": "hunter22"}', "hunter22"),
        ("cookie session=Zm9vYmFyYmF6", "Zm9vYmFyYmF6"),
        ("api_key: abcd1234", "abcd1234"),
        (
            "token kQ3x9Lr2Vb7Nf5Tz1Wc8Yd4Hs6Jp0Ma2Ue9Go3Ri7Xk",
            "kQ3x9Lr2Vb7Nf5Tz1Wc8Yd4Hs6Jp0Ma2Ue9Go3Ri7Xk",
        ),
    ],
)
def test_redact_removes_secret(text, secret):
    assert secret not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "Removed 3 expired sessions",
        "User 0f8e5c9a-1c2b-4d3e-9f00-123456789abc logged in from 127.0.0.1",
        "Provider 'scripted' activated",
        "=" * 60,
    ],
)
def test_redact_keeps_plain_text(text):
    assert redact(text) == text


def test_redact_marks_replacement():
    assert REDACTED in redact("password=hunter2")
