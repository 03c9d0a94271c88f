"""Title normalisation: rank ESCO occupations for a job title or career goal.

A vacancy title wraps the name of a job in noise: seniority, training status,
gender markers, places, departments, contract terms, abbreviations. The query is
read in two views:

- **full**: the whole title with gender markers, seniority/contract words and
  numbers removed and abbreviations expanded ("Sr. Acct Mgr (m/f/d)" → "account
  manager");
- **segment**: the same, from one segment of the title (split at " - ", "|", ",",
  "(" …): the one whose best occupation scores highest, since ads put the job's
  name in one segment and the place, team or terms in others ("Nurse - Night
  Shift, Leeds" → "nurse"; "Retail - Store Clerk" → "store clerk").

Each view is scored by three channels over every occupation: the lexical index
over preferred and alternative labels (TF-IDF), the encoder's best label cosine,
and the encoder's cosine with the first sentence of the ESCO description. The
score is ``(1 - h)·S(full) + h·S(segment)`` with ``S = l·lexical + d·description +
(1 - l - d)·labels``. ``TITLE_WEIGHTS`` were chosen by ``scripts/choose_title_fusion.py``
on held-out ESCO alternative labels dressed as vacancy titles
(``stint_engine_eval.title_noise``), never on an evaluation file; figures in
docs/bench/titles.md. The segment view got no share there (``h = 0``), so it is
not read by default; it stays for the choosing script and callers that pass weights.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from stint_engine.taxonomy import Occupation, Taxonomy, normalise
from stint_engine.text import semantic
from stint_engine.text.encoder import EncoderUnavailable
from stint_engine.text.hybrid import HybridIndex, hybrid
from stint_engine.text.index import SurfaceIndex, top_k


@dataclass(frozen=True)
class TitleWeights:
    lexical: float  # share of the lexical index
    description: float  # share of the description vectors (labels' vectors get the rest)
    head: float  # share of the best segment's view (the full view gets the rest)


# scripts/choose_title_fusion.py; the lexical fallback has one channel, so only ``head``
TITLE_WEIGHTS = {
    # held-out ESCO labels dressed as vacancy titles (588): acc@1 / acc@5 / MRR
    # 0.663 / 0.879 / 0.758; the previous cleaning with text.hybrid's weights (0.1, 0.2)
    # 0.665 / 0.855 / 0.753. No share for the segment view scored higher.
    "hybrid": TitleWeights(lexical=0.2, description=0.4, head=0.0),
    # lexical alone: 0.527 / 0.803 / 0.650 (previous cleaning 0.527 / 0.804 / 0.648)
    "lexical": TitleWeights(lexical=1.0, description=0.0, head=0.0),
}

_lock = threading.Lock()
_indexes: dict[int, SurfaceIndex] = {}
_hybrids: dict[int, HybridIndex] = {}
_descriptions: dict[int, NDArray[np.float32] | None] = {}

# "(m/f/d)", "m/w/d", "(h/f)", "(all genders)", "(gn)": who may apply, not what the job is
_GENDER = re.compile(
    r"\(\s*(?:[a-z]{1,2}\s*/\s*)+[a-z]{1,2}\s*\)|\b[mwfdhx]\s*/\s*[mwfdhx](?:\s*/\s*[mwfdhx])?\b"
    r"|\(\s*(?:all genders?|gn|d|any gender)\s*\)",
    re.IGNORECASE,
)
# words that say how, where or at what level a job is done, not what it is
_NOISE = re.compile(
    r"\b(junior|jr|senior|sr|snr|lead|trainee|intern|internship|graduate|entry level|"
    r"experienced|apprentice|apprenticeship|student|working student|part time|full time|"
    r"temporary|temp|temp to perm|contract|freelance|remote|hybrid|home based|permanent|"
    r"immediate start|maternity cover|all genders|needed|wanted|position|hiring|now hiring|"
    r"immediately|urgently|seasonal|sign on bonus|bonus|on call|nights|days|evenings?|"
    r"weekends?|(?:level|grade|band) \w+|[ivx]+|\d+)\b",
    re.IGNORECASE,
)
# the forms ads abbreviate to, and the words ESCO labels use
ABBREVIATIONS = {
    "mgr": "manager",
    "mngr": "manager",
    "asst": "assistant",
    "assist": "assistant",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "admin": "administrator",
    "rep": "representative",
    "tech": "technician",
    "coord": "coordinator",
    "exec": "executive",
    "spec": "specialist",
    "supv": "supervisor",
    "dept": "department",
    "ops": "operations",
    "op": "operative",
    "dir": "director",
    "acct": "accountant",
    "hr": "human resources",
    "maint": "maintenance",
    "cons": "consultant",
    "gen": "general",
    "pa": "personal assistant",
    "qa": "quality assurance",
    "ux": "user experience",
    "ui": "user interface",
}
_DANGLING = frozenset({"in", "at", "for", "of", "and", "with", "to", "the", "a", "an", "or"})
# where the job's name ends and its qualifiers begin
_SEGMENT = re.compile(r"\s[-–—|@/]\s|\s*[|,;:(\[]\s*|\s[-–—]|[-–—]\s")


def _tidy(text: str) -> str:
    text = _GENDER.sub(" ", text)
    text = text.replace("-", " ") if re.search(r"\b(?:part|full)-time\b", text, re.I) else text
    words = [ABBREVIATIONS.get(w, w) for w in normalise(text).split()]
    words = _NOISE.sub(" ", " ".join(words)).split()
    # a place or team cut off leaves its preposition behind ("… administrator in")
    while words and words[-1] in _DANGLING:
        words.pop()
    while words and words[0] in _DANGLING:
        words.pop(0)
    return " ".join(words)


def clean_title(title: str) -> str:
    """The title without gender markers, seniority and contract words, abbreviations
    expanded (lower case); as is if nothing is left."""
    return _tidy(title) or title


def title_segments(title: str) -> list[str]:
    """``clean_title`` of each segment of the title (split at " - ", "|", ",", "(" …),
    noise-only segments dropped; the full clean title when none is left."""
    parts = [_tidy(p) for p in _SEGMENT.split(_GENDER.sub(" ", title))]
    return [p for p in dict.fromkeys(parts) if p] or [clean_title(title)]


def title_head(title: str) -> str:
    """``clean_title`` of the title's first segment (before " - ", "|", ",", "(" …);
    the full clean title when that segment is only noise."""
    return title_segments(title)[0]


def title_index(taxonomy: Taxonomy | None = None) -> SurfaceIndex:
    tx = taxonomy or Taxonomy.load()
    with _lock:
        index = _indexes.get(id(tx))
        if index is None:
            owners: list[str] = []
            surfaces: list[str] = []
            for o in tx.occupations.values():
                for text in (o.label, *o.alt_labels):
                    owners.append(o.id)
                    surfaces.append(text)
            index = SurfaceIndex(owners, surfaces, char_weight=0.5)
            _indexes[id(tx)] = index
        return index


def occupation_index(taxonomy: Taxonomy | None = None) -> HybridIndex:
    """Lexical and encoder similarity fused (text.hybrid): what explore mode reads
    postings' titles and descriptions with."""
    tx = taxonomy or Taxonomy.load()
    lexical = title_index(tx)
    with _lock:
        index = _hybrids.get(id(tx))
        if index is None:
            index = _hybrids[id(tx)] = hybrid("occupation", lexical, tx)
        return index


def _description_matrix(tx: Taxonomy, ids: Sequence[str]) -> NDArray[np.float32] | None:
    """(dim, n_occupations) description vectors aligned with ``ids``; None if missing."""
    with _lock:
        if id(tx) not in _descriptions:
            try:
                found_ids, rows = semantic.load_descriptions(tx)
            except EncoderUnavailable:  # the channel is optional, as in text.hybrid
                _descriptions[id(tx)] = None
            else:
                where = {o: i for i, o in enumerate(found_ids)}
                out = np.zeros((len(ids), rows.shape[1]), dtype=np.float32)
                for i, o in enumerate(ids):
                    if o in where:
                        out[i] = rows[where[o]]
                _descriptions[id(tx)] = np.ascontiguousarray(out.T)
        return _descriptions[id(tx)]


def title_channels(
    queries: Sequence[str], tx: Taxonomy
) -> tuple[NDArray[np.float32], NDArray[np.float32] | None, NDArray[np.float32] | None]:
    """(lexical, label vectors, description vectors) scores of already cleaned queries,
    each (n_queries, n_occupations) in [0, 1]; the encoder parts None without vectors."""
    index = occupation_index(tx)
    lex = index.lexical.scores(queries)
    if not index.semantic or not queries:
        return lex, None, None
    q = index.encode(queries)
    sem = np.clip(index.semantic_scores(queries, q), 0.0, 1.0)
    desc_m = _description_matrix(tx, index.ids)
    desc = None if desc_m is None else np.clip(q @ desc_m, 0.0, 1.0).astype(np.float32)
    return lex, sem, desc


def fuse_channels(
    lex: NDArray[np.float32],
    sem: NDArray[np.float32] | None,
    desc: NDArray[np.float32] | None,
    w: TitleWeights,
) -> NDArray[np.float32]:
    if sem is None:
        return lex
    d = w.description if desc is not None else 0.0
    out = w.lexical * lex + (1 - w.lexical - d) * sem
    if desc is not None and d:
        out = out + d * desc
    return out.astype(np.float32)


def pick_segments(
    scored: NDArray[np.float32],
    full_rows: Sequence[int],
    segment_rows: Sequence[Sequence[int]],
    head: float,
) -> NDArray[np.float32]:
    """Per title, ``(1 - head)·full + head·segment``, the segment being the one whose
    best occupation scores highest (the job's name, not its place or team)."""
    best = scored.max(axis=1)
    picked = [rows[int(np.argmax(best[list(rows)]))] for rows in segment_rows]
    return ((1 - head) * scored[list(full_rows)] + head * scored[picked]).astype(np.float32)


def title_scores(
    titles: Sequence[str],
    taxonomy: Taxonomy | None = None,
    weights: TitleWeights | None = None,
    *,
    lexical_only: bool = False,
) -> NDArray[np.float32]:
    """(len(titles), n_occupations) fused scores in [0, 1], columns as
    ``occupation_index(tx).ids``; ``lexical_only`` scores as the fallback without vectors."""
    tx = taxonomy or Taxonomy.load()
    index = occupation_index(tx)
    semantic_on = index.semantic and not lexical_only
    w = weights or TITLE_WEIGHTS["hybrid" if semantic_on else "lexical"]
    full = [clean_title(t) for t in titles]
    # with no share for it, the segment view is not read (the full view stands in)
    segments = [title_segments(t) if w.head else [f] for t, f in zip(titles, full, strict=True)]
    # each distinct text is read once: most titles are one segment equal to their full view
    texts = list(dict.fromkeys([*full, *(s for segs in segments for s in segs)]))
    if not texts:
        return np.zeros((0, len(index.ids)), dtype=np.float32)
    row = {t: i for i, t in enumerate(texts)}
    channels = (
        (index.lexical.scores(texts), None, None) if lexical_only else title_channels(texts, tx)
    )
    scored = fuse_channels(*channels, w)
    return pick_segments(
        scored, [row[t] for t in full], [[row[s] for s in segs] for segs in segments], w.head
    )


def normalise_title(
    title: str, k: int = 10, taxonomy: Taxonomy | None = None
) -> list[tuple[Occupation, float]]:
    """ESCO occupations best matching a job title, with a similarity in [0, 1]."""
    tx = taxonomy or Taxonomy.load()
    if k <= 0 or not normalise(title):
        return []
    ids = occupation_index(tx).ids
    return [(tx.occupations[oid], s) for oid, s in top_k(ids, title_scores([title], tx)[0], k)]
