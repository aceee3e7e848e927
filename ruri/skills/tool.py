"""The `load_skill` tool: the model reads a skill's instructions when it decides to use it.

Only names and descriptions go into the system prompt; the full instructions are sent once, as
this tool's result, when the model picks a skill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ruri.agent.tools import Tool, ToolContext, ToolFailed, ToolSpec
from ruri.errors import NotFound

if TYPE_CHECKING:
    from ruri.skills.service import SkillService

LOAD_SKILL = "load_skill"


class LoadSkillTool(Tool):
    def __init__(self, skills: SkillService, names: list[str]) -> None:
        self._skills = skills
        self.spec = ToolSpec(
            name=LOAD_SKILL,
            description=(
                "Load the instructions of a skill listed in the system prompt. Call it before "
                "working on a request that matches the skill, then follow the instructions."
            ),
            parameters={
                "type": "object",
                "properties": {
                    "name": {"type": "string", "enum": names, "description": "The skill's name."},
                },
                "required": ["name"],
                "additionalProperties": False,
            },
        )

    async def run(self, arguments: dict[str, Any], context: ToolContext) -> str:
        name = arguments.get("name")
        if not isinstance(name, str):
            raise ToolFailed("The argument 'name' must be a skill name")
        try:
            skill = await self._skills.get(name)
        except NotFound:
            raise ToolFailed(f"Unknown skill '{name}'; use a name from the system prompt's list") from None
        if not skill.enabled:
            raise ToolFailed(f"Skill '{name}' is disabled; use another skill or none")
        if name not in context.loaded_skills:
            context.loaded_skills.append(name)
        return _skill_text(skill.name, skill.instructions, skill.files)


def _skill_text(name: str, instructions: str, files: list[str]) -> str:
    parts = [f"# Skill: {name}", "", instructions or "(This skill has no instructions.)"]
    if files:
        parts += ["", f"Other files in the folder skills/{name}/:"]
        parts += [f"- {path}" for path in files]
    return "\n".join(parts)


class SkillToolSource:
    """Offers `load_skill` while at least one skill is enabled."""

    def __init__(self, skills: SkillService) -> None:
        self._skills = skills

    async def tools(self) -> list[Tool]:
        names = [skill.name for skill in await self._skills.enabled()]
        return [LoadSkillTool(self._skills, names)] if names else []
