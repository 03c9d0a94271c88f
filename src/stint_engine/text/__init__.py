"""Text understanding: skill extraction, skill linking, title normalisation, resumes."""

from stint_engine.text.extract import SkillMention, extract_skills, warm_up
from stint_engine.text.link import link_skill
from stint_engine.text.resume import read_resume
from stint_engine.text.titles import normalise_title

__all__ = [
    "SkillMention",
    "extract_skills",
    "link_skill",
    "normalise_title",
    "read_resume",
    "warm_up",
]
