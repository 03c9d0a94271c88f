"""Contextual word classes for the span tagger, from the sentence encoder.

The CRF's own features see a word and its neighbours' spelling; they cannot
tell "Python" the skill from "python" the snake, or "manage" a budget from a
"manager". Each token is given the encoder's last-layer state (the mean of its
word pieces in the sentence) and that state is mapped to its nearest centroid
in two codebooks (256 and 1,024 classes, k-means on SkillSpan *train* tokens).
The class ids become ordinary CRF features, as Brown clusters did for classic
taggers, so the tagger stays a CRF and decodes in microseconds; only the
encoder pass costs (about one sentence vector's work per sentence).

``data/token_clusters.npz`` holds the centroids and the SHA-256 of the weights
they were computed with; ``python -m stint_engine_eval.train_tagger --context``
builds it and the matching CRF.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from stint_engine.text import encoder as enc

CLUSTERS_PATH = Path(__file__).resolve().parents[1] / "data" / "token_clusters.npz"
CODEBOOKS = (256, 1024)

Sentence = tuple[str, Sequence[tuple[int, int]]]  # text, token character spans


def token_vectors(
    encoder: enc.Encoder, sentences: Sequence[Sentence], batch_size: int = 32
) -> list[NDArray[np.float32]]:
    """Per sentence, one unit vector per token (zeros where no word piece falls in it)."""
    states = encoder.token_states([text for text, _ in sentences], batch_size=batch_size)
    out: list[NDArray[np.float32]] = []
    for (_, spans), (piece_states, offsets) in zip(sentences, states, strict=True):
        vecs = np.zeros((len(spans), enc.DIM), dtype=np.float32)
        if offsets:
            starts = np.array([a for a, _ in offsets])
            ends = np.array([b for _, b in offsets])
            for i, (a, b) in enumerate(spans):
                inside = (starts < b) & (ends > a)
                if inside.any():
                    v = piece_states[inside].mean(0)
                    vecs[i] = v / max(float(np.linalg.norm(v)), 1e-9)
        out.append(vecs)
    return out


class TokenClasses:
    """Nearest-centroid class ids of each token in each codebook."""

    def __init__(self, path: Path = CLUSTERS_PATH, encoder: enc.Encoder | None = None) -> None:
        with np.load(path) as z:
            if str(z["weights_sha256"]) != enc.WEIGHTS_SHA256:
                raise enc.EncoderUnavailable(f"{path} was built with other encoder weights")
            self.centroids = [z[f"k{k}"].astype(np.float32) for k in CODEBOOKS]
        self.encoder = encoder or enc.get_encoder()

    def classes(self, sentences: Sequence[Sentence]) -> list[list[tuple[int, ...]]]:
        return self.classes_of(token_vectors(self.encoder, sentences))

    def classes_of(self, vectors: Sequence[NDArray[np.float32]]) -> list[list[tuple[int, ...]]]:
        """Class ids of already computed token vectors (``token_vectors``)."""
        out: list[list[tuple[int, ...]]] = []
        for vecs in vectors:
            if not len(vecs):
                out.append([])
                continue
            ids = [np.argmax(vecs @ c.T, axis=1) for c in self.centroids]
            empty: NDArray[np.bool_] = ~np.asarray(vecs.any(axis=1), dtype=bool)
            rows = []
            for i in range(len(vecs)):
                rows.append(tuple(-1 for _ in ids) if empty[i] else tuple(int(a[i]) for a in ids))
            out.append(rows)
        return out


def fit_codebooks(vectors: NDArray[np.float32], seed: int = 0) -> dict[str, NDArray[np.float16]]:
    """k-means centroids (unit length) for each codebook; training only (scikit-learn)."""
    from sklearn.cluster import MiniBatchKMeans

    out: dict[str, NDArray[np.float16]] = {}
    for k in CODEBOOKS:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3)
        km.fit(vectors)
        c = km.cluster_centers_
        c = c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)
        out[f"k{k}"] = c.astype(np.float16)
    return out


_lock = threading.Lock()
_classes: TokenClasses | None = None
_failed = False


def token_classes() -> TokenClasses | None:
    """The shared codebooks, or None when the encoder or the file is missing."""
    global _classes, _failed
    with _lock:
        if _classes is None and not _failed:
            try:
                if not CLUSTERS_PATH.exists() or not enc.available():
                    raise enc.EncoderUnavailable("no token classes")
                _classes = TokenClasses()
            except enc.EncoderUnavailable:
                _failed = True
        return _classes
