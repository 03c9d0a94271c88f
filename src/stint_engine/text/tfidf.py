"""Vectorised TF-IDF for normalised text, built in numpy (no per-string Python loop).

Same weighting as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` with
smooth idf and L2 rows, for two analyzers:

* ``CharVectoriser``: ``analyzer="char_wb", ngram_range=(2, 4)``. Each word
  is padded with a space either side and its 2 to 4-character n-grams are
  counted. N-grams are coded in base 40 over the normalised alphabet,
  so the vocabulary is a dense lookup table, and the whole corpus is counted
  with array operations.
* ``WordVectoriser``: word unigrams and bigrams over whitespace tokens.

Input must be ``taxonomy.normalise``d (``[a-z0-9+#]`` words, single spaces);
``tests/engine/test_text.py`` checks the output against scikit-learn.
Building the ESCO skill index this way takes well under a second, against
several seconds for scikit-learn's per-string analyzer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

__all__ = ["CharVectoriser", "WordVectoriser"]

_BASE = 40
_SPACE = 1
_LUT = np.zeros(256, dtype=np.int64)
_LUT[ord(" ")] = _SPACE
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz0123456789+#"):
    _LUT[ord(_c)] = _i + 2


def _counts(
    rows: NDArray[np.int64], cols: NDArray[np.int64], n_rows: int, n_cols: int
) -> sparse.csr_matrix:
    m = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n_rows, n_cols)
    )
    m.sum_duplicates()
    return m


def _idf(counts: sparse.csr_matrix) -> NDArray[np.float64]:
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1.0 + counts.shape[0]) / (1.0 + df)) + 1.0


def _weigh(m: sparse.csr_matrix, idf: NDArray[np.float64]) -> sparse.csr_matrix:
    """L2-normalised (1 + ln tf) * idf rows."""
    m.data = (1.0 + np.log(m.data)) * idf[m.indices]
    lengths = np.diff(m.indptr)
    sq = np.zeros(m.shape[0])
    nonempty = lengths > 0
    if m.nnz:
        sq[nonempty] = np.add.reduceat(m.data**2, m.indptr[:-1][nonempty])
    norm = np.sqrt(sq)
    m.data /= np.repeat(np.where(norm > 0, norm, 1.0), lengths)
    return m.astype(np.float32)


class CharVectoriser:
    """``char_wb`` 2 to 4-gram TF-IDF over normalised text."""

    def __init__(self) -> None:
        self.column: NDArray[np.int32] = np.zeros(0, dtype=np.int32)  # code -> column or -1
        self.idf: NDArray[np.float64] = np.zeros(0)

    @staticmethod
    def _grams(docs: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(document, n-gram code) for every char_wb n-gram occurrence."""
        parts = [" " + d.replace(" ", "  ") + " \x00" for d in docs]
        buf = "".join(parts).encode("ascii", "replace")
        a = _LUT[np.frombuffer(buf, dtype=np.uint8)]
        doc_of = np.repeat(np.arange(len(parts), dtype=np.int64), [len(p) for p in parts])
        n = len(a)
        docs_out: list[NDArray[np.int64]] = []
        codes_out: list[NDArray[np.int64]] = []
        for size in (2, 3, 4):
            m = n - size + 1
            if m <= 0:
                continue
            win = [a[k : k + m] for k in range(size)]
            ok = np.ones(m, dtype=bool)
            for w in win:
                ok &= w != 0
            for w in win[1 : size - 1]:
                ok &= w != _SPACE
            ok &= ~((win[0] == _SPACE) & (win[1] == _SPACE))
            ok &= ~((win[-2] == _SPACE) & (win[-1] == _SPACE))
            code = np.zeros(m, dtype=np.int64)
            for w in win:
                code = code * _BASE + w
            idx = np.flatnonzero(ok)
            docs_out.append(doc_of[idx])
            codes_out.append(code[idx])
        if not docs_out:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(docs_out), np.concatenate(codes_out)

    def fit_transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        rows, codes = self._grams(docs)
        present = np.zeros(_BASE**4, dtype=bool)
        present[codes] = True
        self.column = (np.cumsum(present, dtype=np.int32) - 1).astype(np.int32)
        self.column[~present] = -1
        n_cols = int(present.sum())
        counts = _counts(rows, self.column[codes].astype(np.int64), len(docs), n_cols)
        self.idf = _idf(counts)
        return _weigh(counts, self.idf)

    def transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        rows, codes = self._grams(docs)
        cols = self.column[codes].astype(np.int64)
        keep = cols >= 0
        return _weigh(_counts(rows[keep], cols[keep], len(docs), len(self.idf)), self.idf)


class WordVectoriser:
    """Word unigram and bigram TF-IDF over normalised text."""

    def __init__(self) -> None:
        self.words: dict[str, int] = {}
        self.codes: NDArray[np.int64] = np.zeros(0, dtype=np.int64)  # sorted n-gram codes
        self.idf: NDArray[np.float64] = np.zeros(0)

    def _grams(
        self, docs: Sequence[str], grow: bool
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(document, n-gram code) for every unigram and bigram occurrence."""
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        words = self.words
        tokens = " \x01 ".join(docs).split()  # one split for the corpus; \x01 ends a document
        if grow:
            words.setdefault("\x01", -2)
            ids = [words.setdefault(t, len(words) - 1) for t in tokens]
        else:
            get = words.get
            ids = [get(t, -1) for t in tokens]
        w = np.asarray(ids, dtype=np.int64)
        sep = w == -2
        doc_of = np.cumsum(sep) - sep
        real = ~sep
        w, doc_of = w[real], doc_of[real]
        v = len(words)
        # bigram i = (token i, token i + 1) when both are in the same document
        same = doc_of[:-1] == doc_of[1:]
        first, second = w[:-1][same], w[1:][same]
        ok = (first >= 0) & (second >= 0)
        uni = w >= 0
        codes = np.concatenate([w[uni], v + first[ok] * v + second[ok]])
        rows = np.concatenate([doc_of[uni], doc_of[:-1][same][ok]])
        return rows, codes

    def fit_transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        self.words = {}
        rows, codes = self._grams(docs, grow=True)
        self.codes, cols = np.unique(codes, return_inverse=True)
        counts = _counts(rows, cols.astype(np.int64), len(docs), len(self.codes))
        self.idf = _idf(counts)
        return _weigh(counts, self.idf)

    def fit(self, docs: Sequence[str]) -> WordVectoriser:
        self.fit_transform(docs)
        return self

    def transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        rows, codes = self._grams(docs, grow=False)
        cols = np.searchsorted(self.codes, codes)
        cols = np.minimum(cols, len(self.codes) - 1)
        keep = self.codes[cols] == codes if len(self.codes) else np.zeros(len(codes), bool)
        return _weigh(_counts(rows[keep], cols[keep], len(docs), len(self.idf)), self.idf)
