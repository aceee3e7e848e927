"""Multipart GraphQL requests (file uploads) within the upload limit, for logged-in users only.

Strawberry's aiohttp adapter reads multipart bodies with no size limit, so this adapter replaces
its form reading with `ruri.http.multipart.read_multipart`, and refuses to read anything from a
request without a live session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from cross_web import AiohttpHTTPRequestAdapter, FormData, HTTPException

from ruri.http.multipart import InvalidMultipart, UploadTooLarge, read_multipart
from schema.context import UNAUTHENTICATED_MESSAGE


class BoundedUploadAdapter(AiohttpHTTPRequestAdapter):
    def __init__(
        self,
        request: web.Request,
        *,
        max_bytes: int,
        authorize: Callable[[web.Request], Awaitable[bool]],
    ) -> None:
        super().__init__(request)
        self._max_bytes = max_bytes
        self._authorize = authorize

    async def get_form_data(self) -> FormData:
        if self._form_data is not None:
            return self._form_data
        if self.content_type is None or not self.content_type.startswith("multipart/form-data"):
            return await super().get_form_data()
        # Checked before the body is read, so an anonymous client cannot make the server buffer
        # an upload; the schema's guard makes the same check again when the operation runs.
        if not await self._authorize(self.request):
            raise HTTPException(401, UNAUTHENTICATED_MESSAGE)
        try:
            form = await read_multipart(self.request, self._max_bytes)
        except UploadTooLarge as exc:
            raise HTTPException(413, str(exc)) from None
        except InvalidMultipart as exc:
            raise HTTPException(exc.status, str(exc)) from None
        self._form_data = FormData(files=dict(form.files), form=dict(form.fields))
        return self._form_data
