"""Encoder vectors for every ESCO skill and occupation label, computed ahead.

``scripts/build_label_vectors.py`` encodes each preferred and alternative label
once and stores the vectors as int8 with one scale per row (``data/label_vectors.npz``,
a quarter of float32; cosine order is kept to about 1e-3). The file records the
weights' SHA-256 and a digest of the labels it covers, so vectors from another
model or taxonomy are refused rather than silently mixed with new queries.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import encoder as enc

DATA = Path(__file__).resolve().parent.parent / "data" / "label_vectors.npz"
DESCRIPTIONS = Path(__file__).resolve().parent.parent / "data" / "occupation_descriptions.npz"
KINDS = ("skill", "occupation")


def _surfaces(concepts: Iterable[tuple[str, Any]]) -> tuple[list[str], list[str]]:
    """(owner ids, texts): each concept's preferred and alternative labels, once each
    (case-insensitively), in the given owner order."""
    owners: list[str] = []
    texts: list[str] = []
    for cid, c in concepts:
        seen: set[str] = set()
        for text in (c.label, *c.alt_labels):
            key = text.strip().lower()
            if key and key not in seen:
                seen.add(key)
                owners.append(cid)
                texts.append(text.strip())
    return owners, texts


def skill_surfaces(tx: Taxonomy) -> tuple[list[str], list[str]]:
    """Every label of every skill and knowledge concept (no tools), owners sorted so
    the layout does not depend on dict order."""
    return _surfaces(
        (sid, tx.skills[sid]) for sid in sorted(tx.skills) if tx.skills[sid].kind != "tool"
    )


def occupation_surfaces(tx: Taxonomy) -> tuple[list[str], list[str]]:
    return _surfaces((oid, tx.occupations[oid]) for oid in sorted(tx.occupations))


SURFACES: dict[str, Callable[[Taxonomy], tuple[list[str], list[str]]]] = {
    "skill": skill_surfaces,
    "occupation": occupation_surfaces,
}


TRAINING_SEED = 20261207


def held_out_concepts(tx: Taxonomy) -> set[str]:
    """The ~5% of skills and of occupations that scripts/train_encoder.py keeps out of
    every training pair: model selection and scripts/choose_fusion.py test on these
    alone, so a label the fine-tuned encoder was trained on never chooses anything."""
    import random

    rng = random.Random(TRAINING_SEED)
    skills = sorted(s for s, c in tx.skills.items() if c.kind != "tool")
    occupations = sorted(tx.occupations)
    held = set(rng.sample(skills, len(skills) // 20))
    held |= set(rng.sample(occupations, len(occupations) // 20))
    return held


def digest(owners: Sequence[str], texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for o, t in zip(owners, texts, strict=True):
        h.update(f"{o}\x00{t}\x01".encode())
    return h.hexdigest()


def quantise(vectors: NDArray[np.float32]) -> tuple[NDArray[np.int8], NDArray[np.float32]]:
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(vectors / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


@dataclass
class LabelVectors:
    """One kind's surfaces: owner ids, the owner of each row, int8 rows and scales."""

    ids: list[str]  # distinct owners, sorted
    row_owner: NDArray[np.int64]  # index into ids, per row
    q: NDArray[np.int8]
    scale: NDArray[np.float32]
    starts: NDArray[np.int64] = field(init=False, repr=False)  # first row of each owner
    _rows: NDArray[np.float32] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.row_owner) and np.any(np.diff(self.row_owner) < 0):
            raise ValueError("rows must be grouped by owner, in owner order")
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.row_owner) != 0])

    @property
    def rows(self) -> NDArray[np.float32]:
        """The rows as float32, built once: BLAS multiplies float32 only, and
        converting per query would cost more than the product (~150 MB for skills)."""
        if self._rows is None:
            self._rows = np.ascontiguousarray((self.q.astype(np.float32) * self.scale[:, None]).T)
        return self._rows

    def similarities(self, queries: NDArray[np.float32]) -> NDArray[np.float32]:
        """Cosine of each query with every row: (n_queries, n_rows)."""
        return np.asarray(queries, dtype=np.float32) @ self.rows

    def owner_best(self, queries: NDArray[np.float32]) -> NDArray[np.float32]:
        """Each owner's best surface similarity: (n_queries, n_owners)."""
        sims = self.similarities(queries)
        # rows are grouped by owner (sorted), so a segment maximum is one reduceat
        return np.maximum.reduceat(sims, self.starts, axis=1)


def build(
    tx: Taxonomy,
    encoder: enc.Encoder,
    path: Path = DATA,
    progress: Callable[[str, int, int], None] | None = None,
    weights_sha256: str | None = None,
) -> None:
    weights = weights_sha256 or enc.linking_weights_sha256()
    arrays: dict[str, Any] = {"weights_sha256": np.array(weights)}
    for kind in KINDS:
        owners, texts = SURFACES[kind](tx)
        done = 0

        def tick(n: int, kind: str = kind, total: int = len(texts)) -> None:
            nonlocal done
            done += n
            if progress:
                progress(kind, done, total)

        vectors = encoder.encode(texts, batch_size=128, progress=tick)
        q, scale = quantise(vectors)
        arrays[f"{kind}_owners"] = np.array(owners)
        arrays[f"{kind}_q"] = q
        arrays[f"{kind}_scale"] = scale
        arrays[f"{kind}_digest"] = np.array(digest(owners, texts))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


_lock = threading.Lock()
_loaded: dict[tuple[int, str], LabelVectors] = {}


def _check(z: Any, path: Path, digest_key: str, expected: str) -> None:
    """Refuse vectors made with other weights or for other texts than ours."""
    if str(z["weights_sha256"]) != enc.linking_weights_sha256():
        # vectors and queries must come from the same weights (fine-tuned or base)
        raise enc.EncoderUnavailable(f"{path} was built with other weights")
    if str(z[digest_key]) != expected:
        raise enc.EncoderUnavailable(f"{path} was built for another taxonomy")


def load(kind: str, tx: Taxonomy, path: Path = DATA) -> LabelVectors:
    """The stored vectors of one kind, checked against this taxonomy and model."""
    with _lock:
        key = (id(tx), kind)
        if key in _loaded:
            return _loaded[key]
        if not path.exists():
            raise enc.EncoderUnavailable(
                f"{path} is missing: python scripts/build_label_vectors.py builds it"
            )
        owners, texts = SURFACES[kind](tx)
        with np.load(path) as z:
            _check(z, path, f"{kind}_digest", digest(owners, texts))
            q = z[f"{kind}_q"]
            scale = z[f"{kind}_scale"]
        ids = sorted(set(owners))
        position = {o: i for i, o in enumerate(ids)}
        row_owner = np.fromiter((position[o] for o in owners), dtype=np.int64)
        lv = LabelVectors(ids=ids, row_owner=row_owner, q=q, scale=scale)
        _loaded[key] = lv
        return lv


def description_text(occupation: Any) -> str:
    """The first sentence of an occupation's ESCO description (what the job is),
    or its label when there is none."""
    text = " ".join((occupation.description or "").split())
    end = text.find(". ")
    text = text[: end + 1] if 0 < end < 300 else text[:300]
    return text or occupation.label


def build_descriptions(
    tx: Taxonomy,
    encoder: enc.Encoder,
    path: Path = DESCRIPTIONS,
    weights_sha256: str | None = None,
) -> None:
    """One vector per occupation for its description's first sentence."""
    ids = sorted(tx.occupations)
    texts = [description_text(tx.occupations[o]) for o in ids]
    q, scale = quantise(encoder.encode(texts, batch_size=64))
    np.savez_compressed(
        path,
        weights_sha256=np.array(weights_sha256 or enc.linking_weights_sha256()),
        digest=np.array(digest(ids, texts)),
        q=q,
        scale=scale,
    )


def load_descriptions(tx: Taxonomy, path: Path = DESCRIPTIONS) -> tuple[list[str], Any]:
    """(occupation ids, float32 unit rows) of the description vectors, checked like
    the label vectors."""
    with _lock:
        key = (id(tx), "descriptions")
        if key in _descriptions:
            return _descriptions[key]
        if not path.exists():
            raise enc.EncoderUnavailable(f"{path} is missing: scripts/build_label_vectors.py")
        ids = sorted(tx.occupations)
        texts = [description_text(tx.occupations[o]) for o in ids]
        with np.load(path) as z:
            _check(z, path, "digest", digest(ids, texts))
            rows = (z["q"].astype(np.float32) * z["scale"][:, None]).astype(np.float32)
        _descriptions[key] = (ids, rows)
        return ids, rows


_descriptions: dict[tuple[int, str], tuple[list[str], Any]] = {}
