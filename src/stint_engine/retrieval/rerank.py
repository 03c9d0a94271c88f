"""Re-rank an index shortlist with the real `fit` (scores and explanations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from stint_engine.retrieval.filters import OpportunityFilters
from stint_engine.retrieval.opportunities import OpportunityIndex
from stint_engine.scoring.fit import Fit, fit
from stint_engine.scoring.model import Candidate, Opportunity, TaxonomyLike
from stint_engine.scoring.text import TextModel


def recommend_opportunities(
    index: OpportunityIndex,
    candidate: Candidate,
    lookup: Callable[[str], Opportunity],
    taxonomy: TaxonomyLike,
    *,
    today: date,
    k: int = 20,
    filters: OpportunityFilters | None = None,
    text_model: TextModel | None = None,
    shortlist: int | None = None,
) -> list[tuple[str, Fit]]:
    """Top k opportunities by `fit`, none excluded, each with its explanation.

    The index (with the candidate's hard constraints as filters unless
    `filters` is given) proposes `shortlist` (default k + 10) items; `fit`
    scores them and drops any it excludes.
    """
    f = filters if filters is not None else OpportunityFilters.for_candidate(candidate, today)
    found = index.search(candidate, shortlist or k + 10, f, taxonomy=taxonomy)
    scored = []
    for oid, _ in found:
        result = fit(candidate, lookup(oid), taxonomy, today=today, text_model=text_model)
        if not result.excluded:
            scored.append((oid, result))
    scored.sort(key=lambda t: (-t[1].score, t[0]))
    return scored[:k]
