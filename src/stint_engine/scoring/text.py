"""Bag-of-words text similarity for fit scoring: TF-IDF cosine.

`TextModel()` (no corpus) weighs every word the same; `TextModel.fit(texts)`
learns inverse document frequencies from the open opportunities so common
words ("team", "work") count less than telling ones ("dashboards").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.]*[a-z0-9+#]|[a-z0-9]")

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "etc",
        "via",
        "per",
        "using",
        "use",
        "will",
        "work",
        "working",
        "able",
    ]
)


@lru_cache(maxsize=8192)
def word_counts(text: str) -> Mapping[str, int]:
    """Lower-cased word counts without stop words (cached; treat as read-only)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]
    return Counter(words)


@dataclass(frozen=True)
class TextModel:
    idf: Mapping[str, float] = field(default_factory=dict)
    default_idf: float = 1.0

    @classmethod
    def fit(cls, texts: Iterable[str]) -> TextModel:
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            df.update(word_counts(text).keys())
        idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        return cls(idf=idf, default_idf=math.log(1 + n) + 1.0)

    def weights(self, text: str) -> dict[str, float]:
        return {
            w: (1.0 + math.log(c)) * self.idf.get(w, self.default_idf)
            for w, c in word_counts(text).items()
        }

    def similarity(self, a: str, b: str) -> tuple[float, list[str]]:
        """Cosine in [0, 1] and the shared words that weigh most, best first."""
        wa, wb = self.weights(a), self.weights(b)
        if not wa or not wb:
            return 0.0, []
        shared = wa.keys() & wb.keys()
        if not shared:
            return 0.0, []
        dot = sum(wa[w] * wb[w] for w in shared)
        na = math.sqrt(sum(v * v for v in wa.values()))
        nb = math.sqrt(sum(v * v for v in wb.values()))
        top = sorted(shared, key=lambda w: (-wa[w] * wb[w], w))
        return min(1.0, dot / (na * nb)), top
