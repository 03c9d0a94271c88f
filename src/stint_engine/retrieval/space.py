"""The skill space both indexes live in.

A candidate becomes a *smoothed* skill vector: for every skill r,
`c[r] = max over held skills s of held_value(s) x credit(r, s)`, where
credit is 1 for r == s and RELATED_CREDIT x relatedness for a related skill
(the same rule `scoring.fit` uses). An opportunity becomes its requirement
weights `w` (essential 1, nice 0.35, summing to 1). Their dot product `w . c`
is then exactly the skill-coverage factor of `fit` at the default level, so
both indexes score with one sparse dot product.

For approximate search the sparse vectors are reduced to dense ones with a
fixed basis stored with the index (`basis`, n_skills x d, orthonormal
columns): a truncated SVD of sample item vectors, or the identity when the
skill space is no larger than d.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from stint_engine.scoring.fit import ESSENTIAL_WEIGHT, NICE_WEIGHT, RELATED_CREDIT, level_factor
from stint_engine.scoring.model import Candidate, Opportunity, TaxonomyLike

MAX_NEIGHBOURS = 8  # related skills kept per skill when smoothing
GOAL_OPTIONAL = 0.5
HELD_SOURCE = {"verified": 1.0, "resume": 0.95, "self": 0.9}


class SkillTaxonomy(TaxonomyLike, Protocol):
    """A taxonomy that can also list its skills (what `Taxonomy` offers)."""

    @property
    def skills(self) -> Mapping[str, Any]: ...


@dataclass
class SkillSpace:
    ids: list[str]
    index: dict[str, int]
    # credit[s] -> (r indices, credits): which required skills r a held skill s counts for
    credit_ptr: np.ndarray
    credit_idx: np.ndarray
    credit_val: np.ndarray
    basis: np.ndarray | None = None  # n_skills x d, float32
    _credits: list[tuple[tuple[int, float], ...]] | None = None

    def credits(self) -> list[tuple[tuple[int, float], ...]]:
        """Per held skill, the (required skill, credit) pairs, as Python tuples."""
        if self._credits is None:
            ptr, idx, val = (
                self.credit_ptr.tolist(),
                self.credit_idx.tolist(),
                self.credit_val.tolist(),
            )
            self._credits = [
                tuple(zip(idx[ptr[s] : ptr[s + 1]], val[ptr[s] : ptr[s + 1]], strict=True))
                for s in range(self.n)
            ]
        return self._credits

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def from_taxonomy(cls, taxonomy: SkillTaxonomy) -> SkillSpace:
        ids = sorted(taxonomy.skills)
        index = {s: i for i, s in enumerate(ids)}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, rid in enumerate(ids):
            rows.append(r)
            cols.append(r)
            vals.append(1.0)
            near = sorted(taxonomy.related(rid).items(), key=lambda t: (-t[1], t[0]))
            for sid, strength in near[:MAX_NEIGHBOURS]:
                s = index.get(sid)
                if s is not None and s != r:
                    rows.append(r)
                    cols.append(s)
                    vals.append(RELATED_CREDIT * float(strength))
        # column-major: for a held skill s, the required skills it earns credit for
        m = sp.csc_matrix((vals, (rows, cols)), shape=(len(ids), len(ids)), dtype=np.float32)
        m.sum_duplicates()
        return cls(ids, index, m.indptr.astype(np.int64), m.indices.astype(np.int32), m.data.copy())

    # -- vectors -----------------------------------------------------------
    def candidate_vector(self, candidate: Candidate) -> tuple[np.ndarray, np.ndarray]:
        """Smoothed skill vector as (skill indices, values), indices ascending."""
        acc: dict[int, float] = {}
        credits = self.credits()
        for sid, held in candidate.skills.items():
            s = self.index.get(sid)
            if s is None:
                continue
            base = HELD_SOURCE.get(held.source, 0.9) * level_factor(held.level, 2)
            for r, v in credits[s]:
                value = base * v
                if value > acc.get(r, 0.0):
                    acc[r] = value
        keys = sorted(acc)
        return np.array(keys, dtype=np.int32), np.array([acc[k] for k in keys], dtype=np.float32)

    def requirement_vector(self, opportunity: Opportunity) -> tuple[np.ndarray, np.ndarray]:
        acc: dict[int, float] = {}
        for req in opportunity.required_skills:
            r = self.index.get(req.skill_id)
            if r is None:
                continue
            w = ESSENTIAL_WEIGHT if req.need == "essential" else NICE_WEIGHT
            acc[r] = max(acc.get(r, 0.0), w)
        total = sum(acc.values()) or 1.0
        keys = sorted(acc)
        return (
            np.array(keys, dtype=np.int32),
            np.array([acc[k] / total for k in keys], dtype=np.float32),
        )

    def goal_vector(
        self, candidate: Candidate, taxonomy: TaxonomyLike
    ) -> tuple[np.ndarray, np.ndarray]:
        acc: dict[int, float] = {}
        for occ in candidate.goal_occupation_ids:
            try:
                essential, optional = taxonomy.occupation_skills(occ)
            except KeyError:
                continue
            for sid in optional:
                if (i := self.index.get(sid)) is not None:
                    acc[i] = max(acc.get(i, 0.0), GOAL_OPTIONAL)
            for sid in essential:
                if (i := self.index.get(sid)) is not None:
                    acc[i] = 1.0
        keys = sorted(acc)
        return np.array(keys, dtype=np.int32), np.array([acc[k] for k in keys], dtype=np.float32)

    def dense(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        """A full-length vector with one trailing zero (the padding slot)."""
        out = np.zeros(self.n + 1, dtype=np.float32)
        out[idx] = val
        return out

    # -- dense embedding -----------------------------------------------------
    def fit_basis(
        self, rows: Iterable[tuple[np.ndarray, np.ndarray]], dim: int, seed: int = 0
    ) -> None:
        """Truncated SVD of sample item vectors; identity when n <= dim."""
        if self.n <= dim:
            self.basis = np.eye(self.n, dtype=np.float32)
            return
        from sklearn.utils.extmath import randomized_svd

        indptr = [0]
        idx: list[np.ndarray] = []
        val: list[np.ndarray] = []
        for i, v in rows:
            idx.append(i)
            val.append(v)
            indptr.append(indptr[-1] + len(i))
        m = sp.csr_matrix(
            (
                np.concatenate(val) if val else np.zeros(0, np.float32),
                np.concatenate(idx) if idx else np.zeros(0, np.int32),
                np.array(indptr),
            ),
            shape=(len(indptr) - 1, self.n),
        )
        _, _, vt = randomized_svd(m, n_components=dim, n_iter=4, random_state=seed)
        self.basis = np.ascontiguousarray(vt.T, dtype=np.float32)

    def embed(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        assert self.basis is not None, "fit_basis first"
        return (val[:, None] * self.basis[idx]).sum(axis=0).astype(np.float32)

    # -- persistence -----------------------------------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        out = {
            "credit_ptr": self.credit_ptr,
            "credit_idx": self.credit_idx,
            "credit_val": self.credit_val,
        }
        if self.basis is not None:
            out["basis"] = self.basis
        return out

    @classmethod
    def from_arrays(cls, ids: list[str], arrays: Mapping[str, np.ndarray]) -> SkillSpace:
        return cls(
            ids,
            {s: i for i, s in enumerate(ids)},
            arrays["credit_ptr"],
            arrays["credit_idx"],
            arrays["credit_val"],
            arrays.get("basis", None),
        )
