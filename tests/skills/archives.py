"""Build skill files and ZIP archives in memory for the skill tests."""

from __future__ import annotations

import io
import stat
import struct
import zipfile

import aiohttp

from tests.support.server import Answer, Client


def skill_md(name: str, description: str = "Does a thing", body: str = "Step one.", **fields: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n{body}\n"


def zip_bytes(entries: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def zip_with_symlink(skill: str, link_name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("SKILL.md", skill)
        info = zipfile.ZipInfo(link_name)
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, target)
    return buffer.getvalue()


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size that the headers declare for entry `name`."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        offset = archive.getinfo(name).header_offset
    # Local file header: the uncompressed size is at byte 22.
    struct.pack_into("<I", patched, offset + 22, size)
    position = patched.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", patched, position + 28)[0]
        if bytes(patched[position + 46:position + 46 + name_length]) == name.encode():
            # Central directory header: the uncompressed size is at byte 24.
            struct.pack_into("<I", patched, position + 24, size)
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


async def upload(client: Client, data: bytes, query: str = "", field: str = "file") -> Answer:
    form = aiohttp.FormData()
    form.add_field(field, data, filename="skills.zip", content_type="application/zip")
    return await client.post(f"/api/skills/upload{query}", data=form)
