"""Skill folders under `<data-dir>/skills/`. Blocking file work: call these in a thread.

New skills are first written to a work folder inside the skills folder. It is on the same file
system, so a rename moves a skill into place at once. Replaced folders wait in the work folder
until the database change has committed, so a failed install can put the old files back.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ruri.skills.archive import MAX_SKILL_MD_BYTES, SKILL_FILE
from ruri.skills.frontmatter import SkillDocument, check_name, parse_skill_md

logger = logging.getLogger(__name__)

# Work folders start with a dot and skill names cannot (see `NAME_PATTERN`), so they never collide.
WORK_PREFIX = ".incoming-"


class SkillFilesInvalid(Exception):
    """The folder of an installed skill is missing or its SKILL.md cannot be parsed."""


@dataclass(frozen=True)
class SkillFiles:
    document: SkillDocument
    content: str
    # Paths of the other files, relative to the skill folder, sorted.
    files: list[str]


@dataclass
class Swap:
    """Folders moved into place; `undo` puts back what was there before."""

    moved: list[tuple[Path, Path | None]] = field(default_factory=list)

    def undo(self) -> None:
        for target, backup in reversed(self.moved):
            shutil.rmtree(target, ignore_errors=True)
            if backup is not None:
                backup.rename(target)


class SkillStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, name: str) -> Path:
        return self.root / check_name(name)

    def remove_stale_work_folders(self) -> None:
        """Delete work folders left by a server that stopped in the middle of an install."""
        if not self.root.is_dir():
            return
        for path in self.root.glob(WORK_PREFIX + "*"):
            logger.info("Removing leftover skill work folder %s", path)
            shutil.rmtree(path, ignore_errors=True)

    def new_workdir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"{WORK_PREFIX}{uuid.uuid4().hex}"
        path.mkdir()
        return path

    @staticmethod
    def discard(workdir: Path) -> None:
        shutil.rmtree(workdir, ignore_errors=True)

    def read(self, name: str) -> SkillFiles:
        folder = self.folder(name)
        path = folder / SKILL_FILE
        try:
            if path.stat().st_size > MAX_SKILL_MD_BYTES:
                raise SkillFilesInvalid(f"SKILL.md is larger than {MAX_SKILL_MD_BYTES} bytes")
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SkillFilesInvalid(f"cannot read {path}: {exc}") from None
        try:
            document = parse_skill_md(content)
        except Exception as exc:
            raise SkillFilesInvalid(str(exc)) from None
        return SkillFiles(document=document, content=content, files=self._other_files(folder))

    @staticmethod
    def _other_files(folder: Path) -> list[str]:
        found = []
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                relative = path.relative_to(folder).as_posix()
                if relative != SKILL_FILE:
                    found.append(relative)
        return sorted(found)

    def write_skill_md(self, workdir: Path, content: str) -> Path:
        folder = workdir / "new"
        folder.mkdir()
        (folder / SKILL_FILE).write_text(content, encoding="utf-8", newline="")
        return folder

    def swap_in(self, folders: dict[str, Path], workdir: Path) -> Swap:
        """Move each new folder to `<root>/<name>`; an existing folder goes to `workdir` first."""
        swap = Swap()
        try:
            for name, source in folders.items():
                target = self.folder(name)
                backup = None
                if target.exists():
                    backup = workdir / f"old-{name}"
                    target.rename(backup)
                swap.moved.append((target, backup))
                source.rename(target)
        except OSError:
            swap.undo()
            raise
        return swap

    def move_out(self, name: str, workdir: Path) -> Path | None:
        """Move a skill's folder into `workdir`; return where it went, or None if it was missing."""
        target = self.folder(name)
        if not target.exists():
            return None
        destination = workdir / f"old-{name}"
        target.rename(destination)
        return destination
