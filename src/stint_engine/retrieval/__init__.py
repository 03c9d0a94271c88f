"""Incremental search indexes over skill vectors: opportunities for a
candidate, candidates for an opportunity."""

from stint_engine.retrieval.candidates import CandidateIndex
from stint_engine.retrieval.filters import CandidateFilters, OpportunityFilters
from stint_engine.retrieval.opportunities import OpportunityIndex
from stint_engine.retrieval.rerank import recommend_opportunities
from stint_engine.retrieval.space import SkillSpace

__all__ = [
    "CandidateFilters",
    "CandidateIndex",
    "OpportunityFilters",
    "OpportunityIndex",
    "SkillSpace",
    "recommend_opportunities",
]
