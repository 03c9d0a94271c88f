"""Hybrid retrieval over taxonomy labels: lexical TF-IDF and encoder cosine, fused.

Lexical similarity finds what is spelt alike ("Power BI" → "Microsoft Power BI");
the encoder finds what means alike ("number crunching" → "perform data analysis").
Each owner's score is a weighted sum of its best lexical surface and its best
encoded surface. The weight was chosen once on a synthetic task built from ESCO
itself (an alternative label, hidden from both indexes, must find its concept:
``scripts/choose_fusion.py``), never on the evaluation files; it is recorded here
with the figures that chose it, in docs/bench/engine_text.md.

When the encoder package is missing (an install that skipped the model step),
the index answers from the lexical side alone and says so once on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from stint_engine.taxonomy import normalise
from stint_engine.text import encoder as enc
from stint_engine.text import semantic
from stint_engine.text.index import SurfaceIndex, top_k

# lexical share of the fused score, per kind (scripts/choose_fusion.py)
LEXICAL_WEIGHT = {"skill": 0.2, "occupation": 0.1}
# occupations also: the share of the encoder's similarity to the first sentence of the
# ESCO description (what the job is), chosen on the same ESCO-only task
# (scripts/choose_fusion.py --descriptions); the label vectors get the rest
DESCRIPTION_WEIGHT = {"skill": 0.0, "occupation": 0.2}

_warned: set[str] = set()


class HybridIndex:
    """Same interface as SurfaceIndex (``ids``, ``scores``, ``top``), fused scores."""

    def __init__(
        self,
        lexical: SurfaceIndex,
        vectors: semantic.LabelVectors | None,
        *,
        lexical_weight: float,
        encoder: enc.Encoder | None = None,
        descriptions: tuple[list[str], NDArray[np.float32]] | None = None,
        description_weight: float = 0.0,
    ) -> None:
        self.lexical = lexical
        self.vectors = vectors
        self.ids = lexical.ids
        self.lexical_weight = lexical_weight if vectors is not None else 1.0
        self._encoder = encoder
        self.description_weight = description_weight if vectors is not None else 0.0
        self._descriptions: NDArray[np.float32] | None = None
        if vectors is not None:
            position = {o: i for i, o in enumerate(vectors.ids)}
            # lexical owner i ↔ semantic owner column (owners without vectors: -1)
            self._cols = np.array([position.get(o, -1) for o in self.ids], dtype=np.int64)
        if descriptions is not None and self.description_weight:
            where = {o: i for i, o in enumerate(descriptions[0])}
            rows = np.zeros((len(self.ids), descriptions[1].shape[1]), dtype=np.float32)
            for i, o in enumerate(self.ids):
                if o in where:
                    rows[i] = descriptions[1][where[o]]
            self._descriptions = np.ascontiguousarray(rows.T)
        else:
            self.description_weight = 0.0

    @property
    def semantic(self) -> bool:
        return self.vectors is not None

    def encode(self, queries: Sequence[str]) -> NDArray[np.float32]:
        # queries are encoded by the same (fine-tuned) weights as the stored vectors
        model = self._encoder or enc.get_linking_encoder()
        return model.encode(list(queries))

    def semantic_scores(
        self, queries: Sequence[str], vectors: NDArray[np.float32] | None = None
    ) -> NDArray[np.float32]:
        """Each owner's best encoded-label cosine, aligned with ``ids``."""
        assert self.vectors is not None
        q = self.encode(queries) if vectors is None else vectors
        best = self.vectors.owner_best(q)
        out = np.where(self._cols >= 0, best[:, np.maximum(self._cols, 0)], -1.0)
        return out.astype(np.float32)

    def scores(self, queries: Sequence[str]) -> NDArray[np.float32]:
        lex = self.lexical.scores(queries)
        if self.vectors is None:
            return lex
        q = self.encode(queries)
        sem = np.clip(self.semantic_scores(queries, q), 0.0, 1.0)
        w = self.lexical_weight
        if self._descriptions is None:
            return (w * lex + (1 - w) * sem).astype(np.float32)
        d = self.description_weight
        desc = np.clip(q @ self._descriptions, 0.0, 1.0)
        return (w * lex + d * desc + (1 - w - d) * sem).astype(np.float32)

    def top(self, query: str, k: int) -> list[tuple[str, float]]:
        if k <= 0 or not normalise(query):
            return []
        return top_k(self.ids, self.scores([query])[0], k)


def hybrid(kind: str, lexical: SurfaceIndex, tx: object) -> HybridIndex:
    """The fused index for a kind, or the lexical one wrapped when vectors are missing."""
    from stint_engine.taxonomy import Taxonomy

    assert isinstance(tx, Taxonomy)
    descriptions = None
    try:
        vectors: semantic.LabelVectors | None = semantic.load(kind, tx)
        if not enc.available():
            raise enc.EncoderUnavailable(f"the {enc.PACKAGE} package is not installed")
        enc.verify_linking()
        if DESCRIPTION_WEIGHT[kind]:
            descriptions = semantic.load_descriptions(tx)
    except enc.EncoderUnavailable as exc:
        if kind not in _warned:
            _warned.add(kind)
            print(f"stint_engine: {kind} matching is lexical only: {exc}", file=sys.stderr)
        vectors = None
    return HybridIndex(
        lexical,
        vectors,
        lexical_weight=LEXICAL_WEIGHT[kind],
        descriptions=descriptions,
        description_weight=DESCRIPTION_WEIGHT[kind],
    )
