"""Turn the multipart body of an upload route into the `Upload` variable of its operation."""

from __future__ import annotations

from aiohttp import web

from rest_compat.handler import RequestProblem
from ruri.http.multipart import InvalidMultipart, UploadedFile, UploadTooLarge, read_multipart
from schema.view import SERVICES_KEY

UPLOAD_FIELD = "file"


async def read_upload(request: web.Request) -> UploadedFile:
    """Return the file of form field `file`; the limit is `max_upload_bytes`, not `client_max_size`."""
    max_bytes = request.app[SERVICES_KEY].settings.max_upload_bytes
    try:
        form = await read_multipart(request, max_bytes)
    except UploadTooLarge as exc:
        raise RequestProblem(413, str(exc)) from None
    except InvalidMultipart as exc:
        raise RequestProblem(exc.status, str(exc)) from None
    upload = form.files.get(UPLOAD_FIELD)
    if upload is None:
        raise RequestProblem(400, f"Missing multipart file field '{UPLOAD_FIELD}'; send the file as form field '{UPLOAD_FIELD}'")
    return upload
