"""Candidate profiles, searched for one opportunity.

Each candidate is its smoothed skill vector (a short row in the slot table);
its dot product with the opportunity's requirement weights is exactly the
skill-coverage factor of `fit`. An opportunity needs only 2-10 skills, so
`search` scores through an inverted index (skill -> slots holding credit for
it, a CSC matrix): it touches only the postings of the required skills and is
exact. Rows added or changed since the postings were built are scored from
the table directly; `compact()` (run automatically when that delta grows)
folds them in.

`search_exact` scores every row of the table (the brute-force baseline).
With `ann=True` the index also keeps a usearch HNSW graph over a truncated
SVD embedding and `search_ann` uses it for a shortlist re-ranked exactly; it
is kept for comparison: on skill vectors it recalls too little (see
docs/bench/engine_matching.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from usearch.index import Index

from stint_engine.retrieval.base import BaseIndex, top_k
from stint_engine.retrieval.filters import MODES, CandidateFilters
from stint_engine.retrieval.space import SkillSpace
from stint_engine.retrieval.table import SlotTable
from stint_engine.scoring.constraints import ACCEPTS
from stint_engine.scoring.model import Candidate, Opportunity

COLUMNS = {
    "accepts": (np.uint8, 7),  # bit i: accepts MODES[i]
    "country": (np.int32, 0),
    "city": (np.int32, 0),
    "hours": (np.float32, 0.0),
    "tz": (np.float32, 0.0),
}
EXACT_BELOW = 30_000  # (ANN path) filters leaving fewer rows than this: score them all exactly
BATCH = 20_000


def _accepts_bits(candidate: Candidate) -> int:
    return sum(1 << i for i, m in enumerate(MODES) if m in ACCEPTS[candidate.remote_preference])


class CandidateIndex(BaseIndex):
    kind = "candidates"

    def __init__(
        self,
        space: SkillSpace,
        *,
        width: int = 32,
        ann: bool = False,
        dim: int = 128,
        shortlist: int = 1000,
        connectivity: int = 16,
        expansion_add: int = 128,
        expansion_search: int = 256,
        basis_sample: int = 50_000,
        threads: int = 0,
    ) -> None:
        super().__init__(space, SlotTable(space.n, width, COLUMNS))
        self.ann = ann
        self.dim = dim
        self.shortlist = shortlist
        self.basis_sample = basis_sample
        self.threads = threads
        self.hnsw_params = {
            "connectivity": connectivity,
            "expansion_add": expansion_add,
            "expansion_search": expansion_search,
        }
        self.hnsw: Index | None = None

    # -- writing ------------------------------------------------------------------
    def _ensure_hnsw(self, sample: Sequence[tuple[np.ndarray, np.ndarray]]) -> Index:
        if self.space.basis is None:
            self.space.fit_basis(sample[: self.basis_sample], self.dim)
        if self.hnsw is None:
            assert self.space.basis is not None
            self.hnsw = Index(
                ndim=self.space.basis.shape[1],
                metric="ip",
                dtype="f16",
                **self.hnsw_params,  # type: ignore[arg-type]
            )
        return self.hnsw

    def _embed_slots(self, slots: np.ndarray) -> np.ndarray:
        basis = self.space.basis
        assert basis is not None
        idx, val = self.table.idx[slots], self.table.val[slots]
        keep = idx != self.space.n
        rows = np.repeat(np.arange(len(slots)), keep.sum(axis=1))
        m = sp.csr_matrix((val[keep], (rows, idx[keep])), shape=(len(slots), self.space.n))
        return np.asarray(m @ basis, dtype=np.float32)

    def add_many(self, candidates: Iterable[Candidate]) -> None:
        """Add or replace (same id) candidates."""
        batch: list[tuple[Candidate, tuple[np.ndarray, np.ndarray]]] = []
        for c in candidates:
            batch.append((c, self.space.candidate_vector(c)))
            if len(batch) >= BATCH and (self.hnsw is not None or not self.ann):
                self._write(batch)
                batch = []
        if batch:
            self._write(batch)
        self.maybe_compact()

    def _write(self, batch: list[tuple[Candidate, tuple[np.ndarray, np.ndarray]]]) -> None:
        hnsw = self._ensure_hnsw([v for _, v in batch]) if self.ann else None
        slots = []
        for c, (idx, val) in batch:
            if c.id in self.table.slot_of:
                self.remove(c.id)
            slot = self.table.put(
                c.id,
                idx,
                val,
                {
                    "accepts": _accepts_bits(c),
                    "country": self.codes(c.location.country.upper()),
                    "city": self.codes(c.location.city.casefold()),
                    "hours": c.hours_per_week,
                    "tz": c.tz_offset_hours,
                },
            )
            self._set_insts(slot, c.institution_ids)
            self._touch(slot)
            slots.append(slot)
        if hnsw is not None:
            arr = np.array(slots, dtype=np.int64)
            for lo in range(0, len(arr), BATCH):
                part = arr[lo : lo + BATCH]
                hnsw.add(part.astype(np.uint64), self._embed_slots(part), threads=self.threads)

    def add(self, candidate: Candidate) -> None:
        self.add_many([candidate])

    update = add

    def _after_remove(self, slot: int) -> None:
        if self.hnsw is not None:
            self.hnsw.remove(slot)

    # -- search -------------------------------------------------------------------
    def mask(self, f: CandidateFilters | None) -> np.ndarray:
        t = self.table
        n = t.used
        m = t.alive[:n].copy()
        if f is None:
            return m
        c = {k: v[:n] for k, v in t.cols.items()}
        if f.work_mode is not None:
            m &= (c["accepts"] & (1 << MODES.index(f.work_mode))) != 0
        for name, value in (("country", f.country), ("city", f.city)):
            if value:
                code = self.codes(
                    value.upper() if name == "country" else value.casefold(), add=False
                )
                m &= (c[name] == 0) | (c[name] == code)
        if f.min_hours_per_week is not None:
            m &= c["hours"] >= f.min_hours_per_week
        if f.institution_ids is not None:
            m &= self._in_insts(f.institution_ids, n)
        if f.max_tz_difference_hours is not None and f.tz_offset_hours is not None:
            diff = np.abs(c["tz"] - np.float32(f.tz_offset_hours)) % 24
            m &= np.minimum(diff, 24 - diff) <= f.max_tz_difference_hours + 1e-6
        return m

    def _query(self, opportunity: Opportunity) -> tuple[np.ndarray, np.ndarray]:
        idx, val = self.space.requirement_vector(opportunity)
        return self.space.dense(idx, val), idx

    def _result(
        self, scores: np.ndarray, k: int, slots: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        ids = self.table.ids
        return [(ids[s], v) for s, v in top_k(scores, k, slots) if v > 0]  # type: ignore[misc]

    def search(
        self, opportunity: Opportunity, k: int = 50, filters: CandidateFilters | None = None
    ) -> list[tuple[str, float]]:
        """Best k (candidate id, skill-coverage score > 0) passing the filters; exact."""
        dense, req = self._query(opportunity)
        scores = self._scores(dense, req)
        scores[~self.mask(filters)] = -np.inf
        return self._result(scores, k)

    def search_exact(
        self, opportunity: Opportunity, k: int = 50, filters: CandidateFilters | None = None
    ) -> list[tuple[str, float]]:
        """Brute force over every row of the table: the baseline."""
        dense, _ = self._query(opportunity)
        scores = self.table.scores(dense)
        scores[~self.mask(filters)] = -np.inf
        return self._result(scores, k)

    def search_ann(
        self,
        opportunity: Opportunity,
        k: int = 50,
        filters: CandidateFilters | None = None,
        *,
        shortlist: int | None = None,
    ) -> list[tuple[str, float]]:
        """HNSW shortlist re-ranked exactly (needs `ann=True`)."""
        if self.hnsw is None or len(self) == 0:
            return []
        dense, idx = self._query(opportunity)
        mask = self.mask(filters)
        passing = int(mask.sum())
        if passing <= max(EXACT_BELOW, k):
            slots = np.flatnonzero(mask)
            return self._result(self.table.scores(dense, slots), k, slots)
        want = shortlist or self.shortlist
        want = min(len(self), int(want * min(8.0, len(mask) / passing)))
        assert self.space.basis is not None
        q = (dense[idx][:, None] * self.space.basis[idx]).sum(axis=0).astype(np.float32)
        found = self.hnsw.search(q, want, threads=1)
        slots = np.asarray(found.keys, dtype=np.int64)
        slots = slots[mask[slots]]
        return self._result(self.table.scores(dense, slots), k, slots)

    # -- persistence -------------------------------------------------------------
    def _extra_meta(self) -> dict[str, Any]:
        return {
            "ann": self.ann,
            "dim": self.dim,
            "shortlist": self.shortlist,
            "basis_sample": self.basis_sample,
            "hnsw": self.hnsw_params,
            "has_hnsw": self.hnsw is not None,
        }

    def save(self, path: str | Path) -> None:
        super().save(path)
        if self.hnsw is not None:
            self.hnsw.save(str(Path(path) / "hnsw.usearch"))

    @classmethod
    def load(cls, path: str | Path, *, threads: int = 0) -> CandidateIndex:
        meta, arrays = cls._read(path)
        assert meta["kind"] == cls.kind, f"{path} holds a {meta['kind']} index"
        index = cls(
            cls._space(meta, arrays),
            width=meta["table"]["width"],
            ann=meta["ann"],
            dim=meta["dim"],
            shortlist=meta["shortlist"],
            basis_sample=meta["basis_sample"],
            threads=threads,
            **meta["hnsw"],
        )
        index._restore(meta, arrays)
        if meta["has_hnsw"]:
            assert index.space.basis is not None
            index.hnsw = Index(
                ndim=index.space.basis.shape[1],
                metric="ip",
                dtype="f16",
                **index.hnsw_params,  # type: ignore[arg-type]
            )
            index.hnsw.load(str(Path(path) / "hnsw.usearch"))
        return index
