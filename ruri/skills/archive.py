"""Check and unpack a ZIP of skills into a work folder. Blocking: run it in a thread.

Three layouts are accepted. The first has `SKILL.md` at the root. The second has one wrapper
folder around everything, as a downloaded repository archive has, holding one skill or several
skill folders. The third has several skill folders at the root. A skill folder is one whose
`SKILL.md` sits directly inside it, and other files and folders next to the skill folders (README,
LICENSE) are ignored. The skill's name comes from its frontmatter, not from the folder name.

Every entry is checked before any byte is written. Rejected are absolute paths, `..`, links and
other special files, encrypted entries, duplicate paths, more than `MAX_ENTRIES` entries and a
declared unpacked size above the limit. So are a path that is both a file and a folder, and paths
that differ only in letter case. Declared sizes can lie, so extraction counts the real bytes too.
"""

from __future__ import annotations

import io
import logging
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ruri.errors import BadRequest
from ruri.skills.frontmatter import SkillDocument, parse_skill_md

logger = logging.getLogger(__name__)

MAX_ENTRIES = 1000
MAX_SKILL_MD_BYTES = 1024 * 1024
SKILL_FILE = "SKILL.md"
_CHUNK_BYTES = 64 * 1024
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")

PathParts = tuple[str, ...]


@dataclass(frozen=True)
class FoundSkill:
    """A skill folder found in the archive, after unpacking into the work folder."""

    archive_folder: str
    folder: Path
    document: SkillDocument


def _entry_parts(info: zipfile.ZipInfo) -> PathParts:
    """Return the entry's path parts, rejecting absolute paths, `..`, links and special files."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or _DRIVE_LETTER.match(name):
        raise BadRequest(f"Invalid ZIP entry '{info.filename}': absolute paths are not allowed")
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    if ".." in parts:
        raise BadRequest(f"Invalid ZIP entry '{info.filename}': '..' is not allowed in paths")
    # The upper 16 bits of the external attributes carry the Unix mode, file type included.
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BadRequest(f"Invalid ZIP entry '{info.filename}': symbolic links are not allowed")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise BadRequest(f"Invalid ZIP entry '{info.filename}': only files and folders are allowed")
    if info.flag_bits & 0x1:
        raise BadRequest(f"Invalid ZIP entry '{info.filename}': encrypted entries are not supported")
    return parts


def _is_ignored(parts: PathParts) -> bool:
    return not parts or parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def list_files(archive: zipfile.ZipFile, max_bytes: int) -> dict[PathParts, zipfile.ZipInfo]:
    """Check every entry; return the regular files to keep, by path parts."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise BadRequest(f"Invalid ZIP: it has {len(entries)} entries; at most {MAX_ENTRIES} are allowed")
    files: dict[PathParts, zipfile.ZipInfo] = {}
    folders: dict[PathParts, zipfile.ZipInfo] = {}
    for info in entries:
        parts = _entry_parts(info)
        if _is_ignored(parts):
            continue
        if info.is_dir():
            folders.setdefault(parts, info)
            continue
        if parts in files:
            raise BadRequest(f"Invalid ZIP: the path '{'/'.join(parts)}' appears twice")
        files[parts] = info
    _check_paths(files, folders)
    declared = sum(info.file_size for info in files.values())
    if declared > max_bytes:
        raise BadRequest(f"Invalid ZIP: it unpacks to {declared} bytes; at most {max_bytes} are allowed")
    return files


def _check_paths(files: dict[PathParts, zipfile.ZipInfo], folders: dict[PathParts, zipfile.ZipInfo]) -> None:
    """Reject a path that is both a file and a folder, or that differs from another only in case.

    The first cannot be unpacked at all. The second unpacks on Linux but not on macOS and Windows,
    whose file systems ignore case by default, so it is rejected everywhere.
    """
    folders = dict(folders)
    for parts, info in files.items():
        for end in range(1, len(parts)):
            folders.setdefault(parts[:end], info)
    both = sorted(folders.keys() & files.keys())
    if both:
        raise BadRequest(f"Invalid ZIP entry '{files[both[0]].filename}': it is both a file and a folder")
    seen: dict[PathParts, PathParts] = {}
    for parts, info in sorted([*files.items(), *folders.items()], key=lambda item: item[0]):
        folded = tuple(part.lower() for part in parts)
        other = seen.setdefault(folded, parts)
        if other != parts:
            raise BadRequest(
                f"Invalid ZIP entry '{info.filename}': '{'/'.join(parts)}' and '{'/'.join(other)}' "
                "differ only in letter case"
            )


def skill_roots(paths: set[PathParts]) -> list[PathParts]:
    """Return the folders (as path parts) that are skills, by the layouts the module lists."""
    if (SKILL_FILE,) in paths:
        return [()]
    base: PathParts = ()
    tops = {parts[0] for parts in paths}
    if len(tops) == 1 and all(len(parts) > 1 for parts in paths):
        base = (tops.pop(),)
        if base + (SKILL_FILE,) in paths:
            return [base]
    depth = len(base) + 2
    roots = sorted(
        parts[:-1]
        for parts in paths
        if len(parts) == depth and parts[:len(base)] == base and parts[-1] == SKILL_FILE
    )
    if not roots:
        raise BadRequest(
            "Invalid skill archive: no SKILL.md found at the root, inside one wrapper folder, "
            "or in the top-level skill folders"
        )
    return roots


def unpack_skills(data: bytes, workdir: Path, max_bytes: int) -> list[FoundSkill]:
    """Unpack every skill of the ZIP `data` into `workdir/<n>/` and parse each `SKILL.md`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise BadRequest(f"Invalid upload: the file is not a readable ZIP archive ({exc})") from None
    with archive:
        files = list_files(archive, max_bytes)
        roots = skill_roots(set(files))
        budget = _ByteBudget(max_bytes)
        found = []
        for index, root in enumerate(roots):
            folder = workdir / str(index)
            members = {parts[len(root):]: info for parts, info in files.items() if parts[:len(root)] == root}
            _extract(archive, members, folder, budget)
            found.append(FoundSkill("/".join(root), folder, _read_document(folder, "/".join(root))))
    _check_unique(found)
    return found


class _ByteBudget:
    def __init__(self, max_bytes: int) -> None:
        self.left = max_bytes
        self.max_bytes = max_bytes

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise BadRequest(
                f"Invalid ZIP: it unpacks to more than {self.max_bytes} bytes "
                "(the declared sizes were wrong)"
            )


def _extract(
    archive: zipfile.ZipFile, members: dict[PathParts, zipfile.ZipInfo], folder: Path, budget: _ByteBudget
) -> None:
    for relative, info in sorted(members.items()):
        target = folder.joinpath(*relative)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(target, "xb") as sink:
                while chunk := source.read(_CHUNK_BYTES):
                    budget.spend(len(chunk))
                    sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
            raise BadRequest(f"Invalid ZIP entry '{info.filename}': cannot unpack it ({exc})") from None
        except OSError as exc:
            # The checks in `list_files` prevent the known cases. The message names the entry but
            # not the server's folders, which only the log shows.
            reason = exc.strerror or type(exc).__name__
            logger.warning("Failed to unpack ZIP entry %r into %s: %s", info.filename, target, exc)
            raise BadRequest(f"Invalid ZIP entry '{info.filename}': cannot write it ({reason})") from None


def _read_document(folder: Path, archive_folder: str) -> SkillDocument:
    where = f"{archive_folder}/{SKILL_FILE}" if archive_folder else SKILL_FILE
    path = folder / SKILL_FILE
    if path.stat().st_size > MAX_SKILL_MD_BYTES:
        raise BadRequest(f"Invalid skill '{where}': SKILL.md is larger than {MAX_SKILL_MD_BYTES} bytes")
    try:
        return parse_skill_md(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise BadRequest(f"Invalid skill '{where}': SKILL.md is not UTF-8 text") from None
    except BadRequest as exc:
        raise BadRequest(f"Invalid skill '{where}': {exc.message}", field=exc.field) from None


def _check_unique(found: list[FoundSkill]) -> None:
    seen: dict[str, str] = {}
    for skill in found:
        name = skill.document.name
        if name in seen:
            raise BadRequest(
                f"Invalid skill archive: folders '{seen[name]}' and '{skill.archive_folder}' "
                f"both declare the skill name '{name}'"
            )
        seen[name] = skill.archive_folder
