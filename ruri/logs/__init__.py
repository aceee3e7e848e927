"""The live log: a root `logging` handler, a ring buffer of recent records and a hub of readers."""

from ruri.logs.records import LogRecordData
from ruri.logs.service import LogService

__all__ = ["LogRecordData", "LogService"]
