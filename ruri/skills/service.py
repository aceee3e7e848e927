"""Skills: install (one SKILL.md or a ZIP), list, enable or disable, delete, and prompt text.

The `skills` table records which skills are installed and enabled. Everything else (description,
instructions, files) is read from `<data-dir>/skills/<name>/`. Changes run one at a time under a
lock, so two installs of the same name cannot interleave their file moves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from ruri.config import Settings
from ruri.db.models import SkillRow
from ruri.db.types import utcnow
from ruri.errors import BadRequest, Conflict, NotFound, row_or_404
from ruri.services.validation import parse_input
from ruri.skills.archive import MAX_SKILL_MD_BYTES, unpack_skills
from ruri.skills.frontmatter import check_name, parse_skill_md
from ruri.skills.storage import SkillFiles, SkillFilesInvalid, SkillStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SkillData:
    name: str
    description: str
    enabled: bool
    when_to_use: str | None
    allowed_tools: list[str] | None
    # Paths of the folder's other files, relative to the skill folder.
    files: list[str]
    created_at: datetime
    updated_at: datetime
    # The whole SKILL.md, and its Markdown body after the frontmatter.
    content: str
    instructions: str
    model: str | None = None
    user_invocable: bool | None = None


class SkillCreate(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=MAX_SKILL_MD_BYTES)


class SkillUpdate(BaseModel):
    enabled: bool


def _skill_data(row: SkillRow, files: SkillFiles) -> SkillData:
    document = files.document
    return SkillData(
        name=row.name,
        description=document.description,
        enabled=row.enabled,
        when_to_use=document.when_to_use,
        allowed_tools=document.allowed_tools,
        files=files.files,
        created_at=row.created_at,
        updated_at=row.updated_at,
        content=files.content,
        instructions=document.instructions,
        model=document.model,
        user_invocable=document.user_invocable,
    )


class SkillService:
    def __init__(self, db: async_sessionmaker, settings: Settings) -> None:
        self._db = db
        self._store = SkillStore(settings.resolved_data_dir / "skills")
        self._store.remove_stale_work_folders()
        self._max_unpacked_bytes = settings.max_upload_bytes
        self._lock = asyncio.Lock()
        # Called with no arguments after every change (the agent status uses this).
        self.listeners: list[Callable[[], Awaitable[None]]] = []
        # Broken skill folders already logged, so a listing on every model call logs each once.
        self._reported_broken: set[tuple[str, str]] = set()
        # Every chat start lists the skills twice (tools and system prompt), so the listing is kept
        # until the next change through this service. Files edited on disk by hand are therefore
        # seen after the next change or restart. The generation stops a listing that raced a
        # change from being kept.
        self._listing: list[SkillData] | None = None
        self._generation = 0

    async def list(self) -> list[SkillData]:
        """Return installed skills by name; a skill whose files are broken is logged and left out."""
        if self._listing is not None:
            return list(self._listing)
        generation = self._generation
        async with self._db() as session:
            rows = list(await session.scalars(select(SkillRow).order_by(SkillRow.name)))
        skills = await asyncio.to_thread(self._read_rows, rows)
        if generation == self._generation:
            self._listing = skills
        return list(skills)

    async def enabled(self) -> list[SkillData]:
        return [skill for skill in await self.list() if skill.enabled]

    async def enabled_count(self) -> int:
        return len(await self.enabled())

    async def get(self, name: str) -> SkillData:
        async with self._db() as session:
            row = await self._row(session, name)
        try:
            files = await asyncio.to_thread(self._store.read, name)
        except SkillFilesInvalid as exc:
            raise NotFound(
                f"Skill '{name}' is installed but its files are unusable ({exc}); "
                "delete it and install it again"
            ) from None
        return _skill_data(row, files)

    async def create(self, data: dict) -> SkillData:
        """Install one skill from the text of its SKILL.md."""
        payload = parse_input(SkillCreate, data)
        check_name(payload.name)
        document = parse_skill_md(payload.content)
        if document.name != payload.name:
            raise BadRequest(
                f"Invalid field 'name': '{payload.name}' differs from the SKILL.md frontmatter "
                f"name '{document.name}'; make them equal",
                field="name",
            )
        async with self._lock:
            await self._check_free([payload.name], fix="delete it first or choose another name")
            workdir = await asyncio.to_thread(self._store.new_workdir)
            try:
                folder = await asyncio.to_thread(self._store.write_skill_md, workdir, payload.content)
                await self._swap_in_and_record({payload.name: folder}, workdir)
            finally:
                await asyncio.to_thread(self._store.discard, workdir)
        logger.info("Created skill %s", payload.name)
        await self._notify()
        return await self.get(payload.name)

    async def install_archive(self, data: bytes, *, overwrite: bool = False) -> list[SkillData]:
        """Install every skill in a ZIP, all or nothing; existing names need `overwrite`."""
        async with self._lock:
            workdir = await asyncio.to_thread(self._store.new_workdir)
            try:
                found = await asyncio.to_thread(
                    unpack_skills, data, workdir / "unpacked", self._max_unpacked_bytes
                )
                names = [skill.document.name for skill in found]
                if not overwrite:
                    await self._check_free(names, fix="delete it first or upload with ?overwrite=true")
                folders = {skill.document.name: skill.folder for skill in found}
                await self._swap_in_and_record(folders, workdir)
            finally:
                await asyncio.to_thread(self._store.discard, workdir)
        logger.info("Installed skills from a ZIP: %s%s", ", ".join(names), " (overwrite)" if overwrite else "")
        await self._notify()
        return [await self.get(name) for name in names]

    async def update(self, name: str, data: dict) -> SkillData:
        payload = parse_input(SkillUpdate, data)
        async with self._lock, self._db.begin() as session:
            row = await self._row(session, name)
            row.enabled = payload.enabled
            row.updated_at = utcnow()
        logger.info("%s skill %s", "Enabled" if payload.enabled else "Disabled", name)
        await self._notify()
        return await self.get(name)

    async def delete(self, name: str) -> None:
        """Delete the record and the folder; the folder comes back if the database change fails."""
        async with self._lock:
            workdir = await asyncio.to_thread(self._store.new_workdir)
            try:
                async with self._db() as session:
                    row = await self._row(session, name)
                    await session.delete(row)
                    await session.flush()
                    moved = await asyncio.to_thread(self._store.move_out, name, workdir)
                    try:
                        await session.commit()
                    except BaseException:
                        if moved is not None:
                            await asyncio.to_thread(moved.rename, self._store.folder(name))
                        raise
            finally:
                await asyncio.to_thread(self._store.discard, workdir)
        logger.info("Deleted skill %s and its folder", name)
        await self._notify()

    async def prompt_section(self) -> str:
        """Return the system prompt text that lists the enabled skills; "" when there are none."""
        skills = await self.enabled()
        if not skills:
            return ""
        lines = [
            "## Skills",
            "",
            "Skills are instructions for particular tasks. When a request matches a skill below, "
            "call the `load_skill` tool with the skill's name before you start, then follow the "
            "instructions it returns.",
            "",
        ]
        for skill in skills:
            line = f"- {skill.name}: {skill.description}"
            if skill.when_to_use:
                line += f" When to use: {skill.when_to_use}"
            lines.append(line)
        return "\n".join(lines)

    async def _swap_in_and_record(self, folders: dict, workdir) -> None:
        swap = await asyncio.to_thread(self._store.swap_in, folders, workdir)
        try:
            async with self._db.begin() as session:
                now = utcnow()
                for name in folders:
                    row = await session.get(SkillRow, name)
                    if row is None:
                        session.add(SkillRow(name=name, enabled=True, created_at=now, updated_at=now))
                    else:
                        row.updated_at = now
        except BaseException:
            await asyncio.to_thread(swap.undo)
            raise

    async def _check_free(self, names: list[str], *, fix: str) -> None:
        async with self._db() as session:
            taken = list(await session.scalars(select(SkillRow.name).where(SkillRow.name.in_(names))))
        if taken:
            raise Conflict(
                f"Skill names already installed: {', '.join(repr(name) for name in sorted(taken))}; {fix}",
                field="name",
            )

    def _read_rows(self, rows: list[SkillRow]) -> list[SkillData]:
        skills = []
        for row in rows:
            try:
                skills.append(_skill_data(row, self._store.read(row.name)))
            except SkillFilesInvalid as exc:
                if (row.name, str(exc)) not in self._reported_broken:
                    self._reported_broken.add((row.name, str(exc)))
                    logger.warning("Skipping skill %s: its files are unusable (%s)", row.name, exc)
        return skills

    async def _row(self, session, name: str) -> SkillRow:
        return await row_or_404(session, SkillRow, name, "Skill")

    async def _notify(self) -> None:
        self._generation += 1
        self._listing = None
        for listener in self.listeners:
            try:
                await listener()
            except Exception:
                logger.exception("A skill change listener failed")
