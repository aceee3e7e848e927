"""Read a `multipart/form-data` body within a byte limit, for both the REST and GraphQL doors.

The application's `client_max_size` (1 MiB) suits JSON bodies but not ZIP uploads, and aiohttp's
`request.multipart()` does not apply it at all. This reader counts every byte of every part and
stops at `max_bytes`, so no client can make the server buffer more than the upload limit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from aiohttp import BodyPartReader, web

MAX_PARTS = 50
_CHUNK_BYTES = 64 * 1024


class UploadTooLarge(Exception):
    """The body is over the upload limit (HTTP 413)."""


class InvalidMultipart(Exception):
    """The body is not a usable `multipart/form-data` body (HTTP 400, or 415 for another type)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class UploadedFile(io.BytesIO):
    """The bytes of one uploaded file, readable like the file objects Strawberry passes on."""

    def __init__(self, data: bytes, filename: str | None) -> None:
        super().__init__(data)
        self.filename = filename


@dataclass
class MultipartForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)


async def read_multipart(request: web.Request, max_bytes: int) -> MultipartForm:
    """Read every part; raise `UploadTooLarge` past `max_bytes` of part content in total."""
    if request.content_type != "multipart/form-data":
        raise InvalidMultipart(
            f"Unsupported content type '{request.content_type}'; send multipart/form-data", status=415
        )
    if request.content_length is not None and request.content_length > max_bytes:
        raise UploadTooLarge(_too_large(max_bytes))
    form = MultipartForm()
    budget = max_bytes
    try:
        reader = await request.multipart()
        for _ in range(MAX_PARTS + 1):
            part = await reader.next()
            if part is None:
                return form
            if not isinstance(part, BodyPartReader) or not part.name:
                raise InvalidMultipart("Invalid multipart body: every part needs a form field name")
            data = await _read_part(part, budget, max_bytes)
            budget -= len(data)
            _store_part(form, part, data)
    except ValueError as exc:
        raise InvalidMultipart(f"Invalid multipart body: {exc}") from None
    raise InvalidMultipart(f"Invalid multipart body: more than {MAX_PARTS} parts")


async def _read_part(part: BodyPartReader, budget: int, max_bytes: int) -> bytes:
    # Raw bytes: a part's Content-Encoding is not decoded, so a compressed part cannot expand.
    chunks = bytearray()
    while chunk := await part.read_chunk(_CHUNK_BYTES):
        chunks.extend(chunk)
        if len(chunks) > budget:
            raise UploadTooLarge(_too_large(max_bytes))
    return bytes(chunks)


def _store_part(form: MultipartForm, part: BodyPartReader, data: bytes) -> None:
    name = part.name
    if name in form.fields or name in form.files:
        raise InvalidMultipart(f"Invalid multipart body: the field '{name}' appears twice")
    if part.filename is not None:
        form.files[name] = UploadedFile(data, part.filename)
        return
    try:
        form.fields[name] = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidMultipart(f"Invalid multipart body: the field '{name}' is not UTF-8 text") from None


def _too_large(max_bytes: int) -> str:
    return f"Request body too large: uploads are limited to {max_bytes} bytes (max_upload_bytes)"
