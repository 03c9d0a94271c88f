"""Fit scoring, explanations, worth-it and skill gaps: plain data in, plain data out."""

from stint_engine.scoring.explain import FitFacts, SkillFact, match_band, render_fit
from stint_engine.scoring.fit import Factor, Fit, fit
from stint_engine.scoring.gaps import Gap, skill_gaps
from stint_engine.scoring.model import (
    Candidate,
    CandidateSkill,
    DateRange,
    EmployerStats,
    Opportunity,
    Place,
    RequiredSkill,
)
from stint_engine.scoring.text import TextModel
from stint_engine.scoring.worth import Worth, WorthItem, worth

__all__ = [
    "Candidate",
    "CandidateSkill",
    "DateRange",
    "EmployerStats",
    "Factor",
    "Fit",
    "FitFacts",
    "Gap",
    "Opportunity",
    "Place",
    "RequiredSkill",
    "SkillFact",
    "TextModel",
    "Worth",
    "WorthItem",
    "fit",
    "match_band",
    "render_fit",
    "skill_gaps",
    "worth",
]
