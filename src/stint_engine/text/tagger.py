"""Skill spans from a fine-tuned encoder: all-MiniLM-L6-v2 as a token classifier.

The six transformer layers of the pinned sentence encoder were fine-tuned on
SkillSpan *train* (house + tech) with a linear head of two BIO layers, skill and
knowledge (``python -m stint_engine_eval.train_token_tagger``, torch only there).
``data/tagger/tagger.npz`` ships the tuned layers as int8 with a scale per row
and the head; the word embeddings are the package's own (frozen in training), so
the file is small. Its SHA-256 is checked before use, like the encoder's.

**Off by default.** The file shipped now is under-trained (two epochs of the top
three layers, all a shared 2-core machine allowed): strict span F1 on SkillSpan
HOUSE / TECH dev 0.315 / 0.397 against the CRF's 0.343 / 0.438 in the same runs
(held-out train F1 0.407 after epoch 2, still rising), so extraction keeps the
CRF unless ``STINT_SPAN_TAGGER=fine-tuned`` is set (``eval extraction`` scores
both). See docs/decisions/0017-skill-tagger.md.

At run time the numpy encoder (``text.encoder``) runs with the tuned layers put
in by name, each word is read at its first word piece, and the tags of each
layer are decoded by Viterbi under BIO constraints (no I without a B before it).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from stint_engine.text import encoder as enc

TAGGER_PATH = Path(__file__).resolve().parents[1] / "data" / "tagger" / "tagger.npz"
# SHA-256 of data/tagger/tagger.npz, printed by stint_engine_eval.train_token_tagger
TAGGER_SHA256 = "8869d13a043653e6bdb3e60fb45a795d6c0cacba3f1bcb85b82ae4d2f77a3e24"
LAYERS = ("skill", "knowledge")
TAGS = ("O", "B", "I")
WINDOW_PIECES = 100  # a long sentence is tagged in windows of words under the encoder's cut

# log-probability added for a move BIO forbids: O -> I, and I as the first tag
_FORBIDDEN = -1e4
_TRANSITIONS = np.zeros((3, 3), dtype=np.float64)
_TRANSITIONS[0, 2] = _FORBIDDEN
_START = np.array([0.0, 0.0, _FORBIDDEN])

Span = tuple[int, int, float, str]  # first token, end token, confidence, layer


class TaggerUnavailable(enc.EncoderUnavailable):
    """The tagger file is missing or is not the one this code was written for."""


def word_chunks(lengths: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Windows (first word, end word) whose estimated word pieces stay under
    WINDOW_PIECES; a word of n characters takes about 1 + n // 4 pieces."""
    lo, cost = 0, 0
    for i, n in enumerate(lengths):
        c = 1 + n // 4
        if i > lo and cost + c > WINDOW_PIECES:
            yield lo, i
            lo, cost = i, 0
        cost += c
    if lo < len(lengths):
        yield lo, len(lengths)


def enabled_by_default() -> bool:
    """Whether extraction uses this tagger without being asked (see the module note)."""
    return os.environ.get("STINT_SPAN_TAGGER", "") == "fine-tuned"


def viterbi_bio(scores: NDArray[Any]) -> list[int]:
    """Best tag sequence (0 = O, 1 = B, 2 = I) for per-word log-probabilities of
    shape (n, 3), never an I that does not continue a B or an I."""
    n = len(scores)
    if n == 0:
        return []
    best = _START + scores[0]
    back = np.zeros((n, 3), dtype=np.int64)
    for i in range(1, n):
        cand = best[:, None] + _TRANSITIONS  # previous tag x current tag
        back[i] = cand.argmax(0)
        best = cand.max(0) + scores[i]
    tags = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        tags.append(int(back[i, tags[-1]]))
    return tags[::-1]


def load_overrides(
    path: Path, expected: str = TAGGER_SHA256
) -> tuple[dict[str, NDArray[np.float32]], NDArray[np.float32], NDArray[np.float32]]:
    """The tuned encoder tensors by package name, and the head's weight and bias."""
    if not path.exists():
        raise TaggerUnavailable(f"No tagger file at {path}")
    if problem := enc.checksum_mismatch(
        path, expected, "rebuild it with python -m stint_engine_eval.train_token_tagger"
    ):
        raise TaggerUnavailable(problem)
    overrides: dict[str, NDArray[np.float32]] = {}
    with np.load(path) as z:
        for key in z.files:
            if key.startswith("head."):
                continue
            if key.endswith(".weight.q"):
                name = key[: -len(".q")]
                scale = z[name + ".scale"].astype(np.float32)
                overrides[name] = z[key].astype(np.float32) * scale[:, None]
            elif not key.endswith(".weight.scale"):
                overrides[key] = z[key].astype(np.float32)
        head_w = z["head.weight"].astype(np.float32)
        head_b = z["head.bias"].astype(np.float32)
    return overrides, head_w, head_b


class TokenTagger:
    """Tokens of a sentence -> skill and knowledge spans with a confidence each."""

    def __init__(self, path: Path = TAGGER_PATH, *, expected: str = TAGGER_SHA256) -> None:
        overrides, self.head_w, self.head_b = load_overrides(path, expected)
        self.encoder = enc.Encoder(overrides=overrides)

    def tag(self, sentences: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[list[Span]]:
        """Per sentence (its text and its tokens' character spans), the spans found."""
        windows: list[tuple[int, int, int]] = []  # sentence, first token, end token
        texts: list[str] = []
        for n, (text, spans) in enumerate(sentences):
            for lo, hi in word_chunks([b - a for a, b in spans]):
                windows.append((n, lo, hi))
                texts.append(text[spans[lo][0] : spans[hi - 1][1]])
        states = self.encoder.token_states(texts)
        logp: list[NDArray[np.float64]] = [
            np.zeros((len(spans), len(LAYERS), len(TAGS))) for _, spans in sentences
        ]
        for (n, lo, hi), (pieces, offsets) in zip(windows, states, strict=True):
            spans = sentences[n][1]
            base = spans[lo][0]
            first: dict[int, int] = {}
            for k, (a, _b) in enumerate(offsets):
                first.setdefault(a, k)
            rows = np.zeros((hi - lo, len(LAYERS), len(TAGS)))
            rows[:, :, 0] = 0.0  # a word the encoder cut off reads as outside
            rows[:, :, 1:] = -9.0
            ks = [first.get(a - base, -1) for a, _ in spans[lo:hi]]
            have = [i for i, k in enumerate(ks) if k >= 0]
            if have:
                logits = pieces[[ks[i] for i in have]] @ self.head_w.T + self.head_b
                logits = logits.reshape(len(have), len(LAYERS), len(TAGS)).astype(np.float64)
                logits -= logits.max(-1, keepdims=True)
                logits -= np.log(np.exp(logits).sum(-1, keepdims=True))
                rows[have] = logits
            logp[n][lo:hi] = rows
        out: list[list[Span]] = []
        for scores in logp:
            found: list[Span] = []
            for li, layer in enumerate(LAYERS):
                tags = viterbi_bio(scores[:, li])
                i = 0
                while i < len(tags):
                    if tags[i] != 1:
                        i += 1
                        continue
                    j = i + 1
                    while j < len(tags) and tags[j] == 2:
                        j += 1
                    conf = float(np.exp(scores[np.arange(i, j), li, tags[i:j]]).mean())
                    found.append((i, j, conf, layer))
                    i = j
            found.sort()
            out.append(found)
        return out


_lock = threading.Lock()
_tagger: TokenTagger | None = None
_failed = False


def token_tagger() -> TokenTagger | None:
    """The shared tagger, or None (said once on stderr when the file is there but
    refused) so extraction falls back to the CRF."""
    global _tagger, _failed
    with _lock:
        if _tagger is None and not _failed:
            try:
                if not TAGGER_PATH.exists() or not enc.available():
                    raise TaggerUnavailable("no tagger")
                _tagger = TokenTagger(TAGGER_PATH, expected=TAGGER_SHA256)
            except enc.EncoderUnavailable as e:
                _failed = True
                if TAGGER_PATH.exists():
                    print(f"stint: span tagger unavailable ({e}); using the CRF", file=sys.stderr)
        return _tagger
