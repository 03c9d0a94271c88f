"""Re-rank an index shortlist with the real `fit` (scores and explanations)
and, when the caller knows the person's history, the learned job ranker."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

import numpy as np

from stint_engine.retrieval.filters import OpportunityFilters
from stint_engine.retrieval.opportunities import OpportunityIndex
from stint_engine.retrieval.ranker import Posting, Ranker, rank_postings
from stint_engine.scoring.fit import Fit, fit
from stint_engine.scoring.model import Candidate, Opportunity, TaxonomyLike
from stint_engine.scoring.text import TextModel

# Skills are not in the job-view logs the ranker learns from, so the weight of
# `fit` (0..1) beside the learned signals is set by hand, not learned: a full
# range of fit counts about as much as a job in a state the person looked at.
FIT_WEIGHT = 4.0


class _Scored(Protocol):
    @property
    def score(self) -> float: ...


S = TypeVar("S", bound=_Scored)


@dataclass(frozen=True)
class History:
    """What the ranker reads about the person: jobs looked at or applied to
    before (oldest first), their own titles (headline, goals) and their
    (city, region)."""

    seen: tuple[Posting, ...] = ()
    own_titles: tuple[str, ...] = ()
    home: tuple[str, str] = ("", "")


def order_by_ranker(
    scored: Sequence[tuple[str, S]],
    postings: Mapping[str, Posting],
    history: History,
    *,
    ranker: Ranker | None = None,
) -> list[tuple[str, S]]:
    """`scored` re-ordered by the learned ranker + FIT_WEIGHT * fit, best
    first, ties by id. Items without a posting keep their fit alone."""
    items = list(scored)
    if not items:
        return []
    known = [oid for oid, _ in items if oid in postings]
    learned = dict.fromkeys((oid for oid, _ in items), 0.0)
    if known:
        scores = rank_postings(
            [postings[oid] for oid in known],
            seen=history.seen,
            own_titles=history.own_titles,
            home=history.home,
            ranker=ranker,
        )
        learned.update(zip(known, (float(v) for v in np.asarray(scores)), strict=True))
    return sorted(items, key=lambda t: (-(learned[t[0]] + FIT_WEIGHT * t[1].score), t[0]))


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
    postings: Callable[[Sequence[str]], Mapping[str, Posting]] | None = None,
    history: History | None = None,
) -> list[tuple[str, Fit]]:
    """Top k opportunities by `fit`, none excluded, each with its explanation.

    The index (with the candidate's hard constraints as filters unless
    `filters` is given) proposes `shortlist` (default k + 10) items; `fit`
    scores them and drops any it excludes. With `postings` (id -> what the
    ranker knows about each shortlisted job) and `history`, the survivors are
    ordered by the learned ranker plus fit (`order_by_ranker`), else by fit.
    """
    f = filters if filters is not None else OpportunityFilters.for_candidate(candidate, today)
    found = index.search(candidate, shortlist or k + 10, f, taxonomy=taxonomy)
    scored = []
    for oid, _ in found:
        result = fit(candidate, lookup(oid), taxonomy, today=today, text_model=text_model)
        if not result.excluded:
            scored.append((oid, result))
    if postings is not None and history is not None:
        return order_by_ranker(scored, postings([oid for oid, _ in scored]), history)[:k]
    scored.sort(key=lambda t: (-t[1].score, t[0]))
    return scored[:k]
