"""Agent skills: folders with a SKILL.md that the model loads by name when a task needs them."""

from ruri.skills.service import SkillData, SkillService
from ruri.skills.tool import LOAD_SKILL, SkillToolSource

__all__ = ["LOAD_SKILL", "SkillData", "SkillService", "SkillToolSource"]
