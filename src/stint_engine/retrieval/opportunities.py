"""Open opportunities, searched for one candidate.

Exact scoring: each opportunity is its requirement weights (a short row);
the candidate is one smoothed skill vector; scores come from the postings
(skill -> opportunities requiring it) of the candidate's non-zero skills, so
a query touches a few thousand entries, not every row. No approximation.

Score = skill coverage (as in `fit`) blended with goal alignment when the
candidate has goals and a taxonomy is given, with `fit`'s factor weights.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np

from stint_engine.retrieval.base import NO_DAY, BaseIndex, top_k
from stint_engine.retrieval.filters import MODES, OpportunityFilters
from stint_engine.retrieval.space import SkillSpace
from stint_engine.retrieval.table import SlotTable
from stint_engine.scoring.fit import FACTOR_WEIGHTS
from stint_engine.scoring.model import Candidate, Opportunity, TaxonomyLike

COLUMNS = {
    "mode": (np.int8, 0),
    "pay": (np.int64, 0),
    "currency": (np.int32, 0),
    "hours": (np.float32, 0.0),
    "start": (np.int32, 0),
    "apply_by": (np.int32, NO_DAY),
    "due": (np.int32, NO_DAY),
    "country": (np.int32, 0),
    "city": (np.int32, 0),
    "tz": (np.float32, 0.0),
    "max_tz": (np.float32, np.inf),
    "public": (bool, True),
}


def _day(d: date | None, missing: int) -> int:
    return d.toordinal() if d is not None else missing


class OpportunityIndex(BaseIndex):
    kind = "opportunities"

    def __init__(self, space: SkillSpace, width: int = 24) -> None:
        super().__init__(space, SlotTable(space.n, width, COLUMNS))

    def add(self, opportunity: Opportunity, *, compact: bool = True) -> None:
        """Add or replace (same id) one opportunity."""
        idx, val = self.space.requirement_vector(opportunity)
        o = opportunity
        slot = self.table.put(
            o.id,
            idx,
            val,
            {
                "mode": MODES.index(o.work_mode),
                "pay": o.pay_per_hour_minor,
                "currency": self.codes(o.currency.upper()),
                "hours": o.estimated_hours,
                "start": _day(o.start, 0),
                "apply_by": _day(o.apply_by, NO_DAY),
                "due": _day(o.due, NO_DAY),
                "country": self.codes(o.location.country.upper()),
                "city": self.codes(o.location.city.casefold()),
                "tz": o.tz_offset_hours,
                "max_tz": np.inf
                if o.max_tz_difference_hours is None
                else o.max_tz_difference_hours,
                "public": o.visibility != "institutions",
            },
        )
        self._set_insts(
            slot, o.allowed_institution_ids if o.visibility == "institutions" else frozenset()
        )
        self._touch(slot)
        if compact:
            self.maybe_compact()

    def update(self, opportunity: Opportunity) -> None:
        """Replace the opportunity with this id (or add it)."""
        self.add(opportunity)

    def add_many(self, opportunities: Iterable[Opportunity]) -> None:
        for o in opportunities:
            self.add(o, compact=False)
        self.maybe_compact()

    # -- search -------------------------------------------------------------------
    def query_vector(
        self, candidate: Candidate, taxonomy: TaxonomyLike | None = None
    ) -> np.ndarray:
        v = self.space.dense(*self.space.candidate_vector(candidate))
        if taxonomy is not None and candidate.goal_occupation_ids:
            g = self.space.dense(*self.space.goal_vector(candidate, taxonomy))
            ws, wg = FACTOR_WEIGHTS["skills"], FACTOR_WEIGHTS["goals"]
            v = (ws * v + wg * g) / (ws + wg)
        return v

    def mask(self, f: OpportunityFilters | None) -> np.ndarray:
        t = self.table
        n = t.used
        m = t.alive[:n].copy()
        if f is None:
            return m
        c = {k: v[:n] for k, v in t.cols.items()}
        if f.work_modes is not None:
            allowed = np.array([x in f.work_modes for x in MODES])
            m &= allowed[c["mode"]]
        remote = c["mode"] == MODES.index("remote")
        for name, value in (("country", f.country), ("city", f.city)):
            if value:
                code = self.codes(
                    value.upper() if name == "country" else value.casefold(), add=False
                )
                m &= remote | (c[name] == 0) | (c[name] == code)
        if f.tz_offset_hours is not None:
            diff = np.abs(c["tz"] - np.float32(f.tz_offset_hours)) % 24
            m &= np.minimum(diff, 24 - diff) <= c["max_tz"] + 1e-6
        if f.min_pay_per_hour_minor is not None:
            m &= c["pay"] >= f.min_pay_per_hour_minor
        if f.currency is not None:
            m &= c["currency"] == self.codes(f.currency.upper(), add=False)
        if f.max_hours is not None:
            m &= c["hours"] <= f.max_hours
        if f.skills:
            wanted = [self.space.index[s] for s in f.skills if s in self.space.index]
            m &= np.isin(t.idx[:n], wanted).any(axis=1)
        if f.institution_ids is not None:
            m &= c["public"] | self._in_insts(f.institution_ids, n)
        if f.open_on is not None:
            day = f.open_on.toordinal()
            m &= (c["apply_by"] >= day) & (c["due"] >= day)
            if f.hours_per_week is not None:
                first = np.maximum(c["start"], day).astype(np.int64)
                days = c["due"].astype(np.int64) - first + 1
                fits = c["hours"] <= f.hours_per_week * days / 7.0 + 1e-6
                m &= (c["due"] == NO_DAY) | fits
        if f.starts_after is not None:
            m &= c["start"] >= f.starts_after.toordinal()
        if f.due_before is not None:
            m &= c["due"] <= f.due_before.toordinal()
        return m

    def search(
        self,
        candidate: Candidate,
        k: int = 20,
        filters: OpportunityFilters | None = None,
        *,
        taxonomy: TaxonomyLike | None = None,
    ) -> list[tuple[str, float]]:
        """Best k (opportunity id, score > 0) passing the filters, ties by slot."""
        v = self.query_vector(candidate, taxonomy)
        scores = self._scores(v, np.flatnonzero(v[:-1]))
        scores[~self.mask(filters)] = -np.inf
        ids = self.table.ids
        return [(ids[s], v) for s, v in top_k(scores, k) if v > 0]  # type: ignore[misc]

    def search_exact(
        self,
        candidate: Candidate,
        k: int = 20,
        filters: OpportunityFilters | None = None,
        *,
        taxonomy: TaxonomyLike | None = None,
    ) -> list[tuple[str, float]]:
        """Brute force over every row of the table: the baseline."""
        scores = self.table.scores(self.query_vector(candidate, taxonomy))
        scores[~self.mask(filters)] = -np.inf
        ids = self.table.ids
        return [(ids[s], v) for s, v in top_k(scores, k) if v > 0]  # type: ignore[misc]

    # -- persistence -------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> OpportunityIndex:
        meta, arrays = cls._read(path)
        assert meta["kind"] == cls.kind, f"{path} holds a {meta['kind']} index"
        index = cls(cls._space(meta, arrays), width=meta["table"]["width"])
        index._restore(meta, arrays)
        return index
