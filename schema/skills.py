"""Skills: folders with a SKILL.md the agent loads by name."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from ruri.errors import BadRequest
from ruri.skills import SkillData
from schema.context import ctx
from schema.inputs import input_dict


@strawberry.type(description="An installed skill; its files live in `<data-dir>/skills/<name>/`.")
class Skill:
    name: str
    description: str
    enabled: bool
    when_to_use: str | None
    allowed_tools: list[str] | None = strawberry.field(
        description="While this skill is loaded, the agent offers only these tools and `load_skill`; "
        "null means no restriction."
    )
    files: list[str] = strawberry.field(
        description="Paths of the folder's other files, relative to the skill folder."
    )
    created_at: datetime
    updated_at: datetime
    content: str = strawberry.field(description="The whole SKILL.md.")

    @classmethod
    def from_data(cls, data: SkillData) -> Skill:
        return cls(
            name=data.name,
            description=data.description,
            enabled=data.enabled,
            when_to_use=data.when_to_use,
            allowed_tools=data.allowed_tools,
            files=data.files,
            created_at=data.created_at,
            updated_at=data.updated_at,
            content=data.content,
        )


@strawberry.input(description="A new skill: its name and the whole text of its SKILL.md.")
class SkillInput:
    name: str | None = strawberry.UNSET
    content: str | None = strawberry.UNSET


@strawberry.input(description="Skill fields that can change.")
class SkillUpdateInput:
    enabled: bool | None = strawberry.UNSET


def upload_bytes(file: object) -> bytes:
    """Return the bytes of an `Upload` value: a file object from either door, or raw bytes."""
    if hasattr(file, "read"):
        return file.read()
    if isinstance(file, (bytes, bytearray)):
        return bytes(file)
    raise BadRequest("Invalid field 'file': expected an uploaded file", field="file")


@strawberry.type
class SkillQuery:
    @strawberry.field(description="Installed skills, by name.")
    async def skills(self, info: Info) -> list[Skill]:
        return [Skill.from_data(item) for item in await ctx(info).services.skills.list()]

    @strawberry.field
    async def skill(self, info: Info, name: str) -> Skill:
        return Skill.from_data(await ctx(info).services.skills.get(name))


@strawberry.type
class SkillMutation:
    @strawberry.mutation(description="Install one skill from the text of its SKILL.md.")
    async def create_skill(self, info: Info, input: SkillInput) -> Skill:
        return Skill.from_data(await ctx(info).services.skills.create(input_dict(input)))

    @strawberry.mutation(
        description="Install every skill in a ZIP, all or nothing. An installed name is a conflict "
        "unless `overwrite` is true."
    )
    async def upload_skills(self, info: Info, file: Upload, overwrite: bool | None = None) -> list[Skill]:
        skills = ctx(info).services.skills
        installed = await skills.install_archive(upload_bytes(file), overwrite=bool(overwrite))
        return [Skill.from_data(item) for item in installed]

    @strawberry.mutation(description="Enable or disable a skill.")
    async def update_skill(self, info: Info, name: str, input: SkillUpdateInput) -> Skill:
        return Skill.from_data(await ctx(info).services.skills.update(name, input_dict(input)))

    @strawberry.mutation(description="Delete a skill and its folder.")
    async def delete_skill(self, info: Info, name: str) -> bool:
        await ctx(info).services.skills.delete(name)
        return True
