"""The learned job ranker shared by `eval recommend` and the web app's
"Recommended for you".

A linear scoring function over named, general signals about a job and the
person looking (title similarity to what they looked at or applied to before
and to their own titles, by character n-grams and by the sentence encoder's
cosine, same place as before, same employer, posted around the same time as
what they looked at last; in the web app: recently). The weights are fitted by
`scripts/train_ranker.py` (a listwise softmax objective, features and
regularisation chosen by cross-validation grouped by applicant on the
training quarter of the shared job views) and shipped as
`stint_engine/data/ranker.json`. Scoring is plain numpy.

A feature a caller cannot compute is simply left out: for a linear model an
absent feature is the same constant for every job, so it drops out of the
ranking instead of pushing every job down.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

FEATURES = (
    "title_max",  # best char n-gram cosine to a job looked at before
    "title_mean",
    "title_last",  # to the most recent one
    "title_history",  # to the person's own titles (work history, goals)
    "title_words",  # word TF-IDF cosine to all of those titles (the heuristic's)
    "city_viewed",  # same city as a job looked at before
    "state_viewed",  # same state (web app: country) as a job looked at before
    "city_history",  # the person's own city
    "state_history",
    "company_viewed",  # same employer as a job looked at before
    "city_last",  # same city as the most recent job looked at
    "state_last",
    "city_share",  # share of earlier jobs in this city
    "state_share",
    "id_near_last",  # -log(1 + |id - id of the most recent job|): posted around then
    "id_near_min",  # the same, to the nearest earlier job
    # The sentence encoder's cosine (`text.encoder`): paraphrases without shared
    # letters ("sales associate" / "retail clerk") still count as similar.
    "meaning_max",  # best cosine to a job looked at before
    "meaning_mean",
    "meaning_last",  # to the most recent one
    "meaning_history",  # best cosine to one of the person's own titles
)
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "ranker.json"

# On the job site ids grow by about 1,430 a day (least-squares slope of job id
# against the day of its first view in the shared logs; the upper decile of
# ids viewed grows 1,400-1,600 a day). The web app turns a posting's age into
# the same unit, so "posted around the time of the last view" becomes "recent".
IDS_PER_DAY = 1430.0

# The location-aware baseline: word TF-IDF + 2.0 same state + 1.0 same city.
HEURISTIC_WEIGHTS = {"title_words": 1.0, "state_viewed": 2.0, "city_viewed": 1.0}


@dataclass(frozen=True)
class Ranker:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    info: Mapping[str, Any] = field(default_factory=dict)

    def score(self, columns: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """Score n jobs from named feature columns; missing columns are left out."""
        out = np.zeros(n, dtype=np.float64)
        for name, w in zip(self.features, self.weights, strict=True):
            col = columns.get(name)
            if col is not None and w:
                out += w * np.asarray(col, dtype=np.float64)
        return out

    def as_dict(self) -> dict[str, float]:
        return {f: round(w, 4) for f, w in zip(self.features, self.weights, strict=True)}

    def save(self, path: Path) -> None:
        body = {
            "features": list(self.features),
            "weights": [round(float(w), 6) for w in self.weights],
            "info": dict(self.info),
        }
        path.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def heuristic() -> Ranker:
    names = tuple(HEURISTIC_WEIGHTS)
    return Ranker(names, tuple(HEURISTIC_WEIGHTS[n] for n in names), {"kind": "heuristic"})


def read_ranker(path: Path) -> Ranker:
    body = json.loads(path.read_text(encoding="utf-8"))
    features = tuple(str(f) for f in body["features"])
    unknown = set(features) - set(FEATURES)
    if unknown:  # a model from another version would silently score with zeros
        raise ValueError(f"unknown ranker features: {sorted(unknown)}")
    return Ranker(features, tuple(float(w) for w in body["weights"]), body.get("info", {}))


@lru_cache(maxsize=1)
def load_ranker() -> Ranker:
    """The shipped model (cached per process)."""
    return read_ranker(MODEL_PATH)


# -- features for a short list (the web app) ---------------------------------------
@dataclass(frozen=True)
class Posting:
    """What the ranker knows about a job: `number` orders postings in time
    (job ids on the job site, opportunity ids in Stint)."""

    number: int
    title: str
    city: str = ""
    region: str = ""  # state on the job site, country in Stint
    company: str = ""
    # Days since publication (web app). When every posting has one, the
    # "posted around the time of the last view" features read recency
    # instead: the person's next look is now, whatever they did last.
    age_days: float | None = None


_WORD = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


def _char_wb(text: str) -> list[str]:
    """Character 2-4-grams inside word boundaries, as scikit-learn's `char_wb`."""
    out: list[str] = []
    for w in _SPACES.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in (2, 3, 4):
            out.extend(w[i : i + n] for i in range(max(1, len(w) - n + 1)))
            if len(w) <= n:  # a word no longer than n ends there (as scikit-learn)
                break
    return out


@lru_cache(maxsize=65_536)
def _terms(text: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(term keys, counts) of one text, cached: titles repeat across requests.
    Keys are the process's string hashes, only ever compared within a process."""
    grams = _char_wb(text) if kind == "char" else _WORD.findall(text.lower())
    counts: dict[str, int] = {}
    for g in grams:
        counts[g] = counts.get(g, 0) + 1
    keys = np.fromiter((hash(g) for g in counts), dtype=np.int64, count=len(counts))
    return keys, np.fromiter(counts.values(), dtype=np.float64, count=len(counts))


def tfidf_rows(fitted: Sequence[str], extra: Sequence[str] = (), kind: str = "char") -> np.ndarray:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf, as scikit-learn's
    `TfidfVectorizer`) of `fitted` then `extra`; the idf and the vocabulary come
    from `fitted` only. Dense: a short list has a few thousand terms at most."""
    docs = [*fitted, *extra]
    parts = [_terms(d, kind) for d in docs]
    sizes = [len(k) for k, _ in parts]
    if not sum(sizes):
        return np.zeros((len(docs), 0))
    keys = np.concatenate([k for k, _ in parts])
    vocab, col = np.unique(keys, return_inverse=True)
    row = np.repeat(np.arange(len(docs)), sizes)
    fit_part = row < len(fitted)
    df = np.bincount(col[fit_part], minlength=len(vocab)).astype(np.float64)
    idf = np.where(df > 0, np.log((1 + len(fitted)) / (1 + df)) + 1, 0.0)
    tf = 1 + np.log(np.concatenate([c for _, c in parts]))
    m = np.zeros((len(docs), len(vocab)))
    m[row, col] = tf * idf[col]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


TITLE_CACHE = 10_000  # titles kept with their vectors (1.5 KB each: 15 MB at most)
_title_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
_title_lock = threading.Lock()


def title_key(title: str) -> str:
    """The form a title's vector is cached under: its words, single-spaced."""
    return " ".join(title.split())


class TitleStore(Protocol):
    """A cache shared by processes (the web app gives its Django cache, e.g. Redis), so a
    title is encoded once for every worker and host, not once per process."""

    def get_many(self, titles: list[str]) -> dict[str, np.ndarray]: ...

    def set_many(self, vectors: dict[str, np.ndarray]) -> None: ...


_title_store: TitleStore | None = None


def use_title_store(store: TitleStore | None) -> None:
    """Share title vectors through `store` (None: this process's cache only)."""
    global _title_store
    _title_store = store


def title_vectors(
    titles: Sequence[str], *, progress: Callable[[int], None] | None = None
) -> np.ndarray | None:
    """Unit vectors of `titles` from the sentence encoder, one row each; None
    when the encoder is not installed. Only titles not seen recently by this
    process are looked up in the shared store, if one is set, and only those it
    lacks are encoded (a bounded in-process cache, least recently used out)."""
    from stint_engine.text.encoder import DIM, EncoderUnavailable, available, get_encoder

    keys = [title_key(t) for t in titles]
    with _title_lock:
        missing = list(dict.fromkeys(k for k in keys if k not in _title_vectors))
    if missing and _title_store is not None:
        shared = _title_store.get_many(missing)
        with _title_lock:
            _title_vectors.update(shared)
        missing = [k for k in missing if k not in shared]
    if missing:
        if not available():
            return None
        try:
            vecs = get_encoder().encode(missing, progress=progress)
        except EncoderUnavailable:
            return None
        with _title_lock:
            for k, v in zip(missing, vecs, strict=True):
                _title_vectors[k] = v
        if _title_store is not None:
            _title_store.set_many(dict(zip(missing, vecs, strict=True)))
    out = np.zeros((len(keys), DIM), dtype=np.float32)
    complete = True
    with _title_lock:
        for i, k in enumerate(keys):
            v = _title_vectors.get(k)
            if v is None:  # pushed out by a concurrent request
                complete = False
                break
            _title_vectors.move_to_end(k)
            out[i] = v
        while len(_title_vectors) > TITLE_CACHE:
            _title_vectors.popitem(last=False)
    # rare: encode this request's titles without the cache (outside the lock)
    return out if complete else get_encoder().encode(keys)


def _key(value: str) -> str:
    return value.strip().casefold()


def _place(p: Posting) -> tuple[str, str]:
    return _key(p.city), _key(p.region)


def shortlist_features(
    postings: Sequence[Posting],
    *,
    seen: Sequence[Posting] = (),
    own_titles: Sequence[str] = (),
    home: tuple[str, str] = ("", ""),
    wanted: Collection[str] | None = None,
) -> dict[str, np.ndarray]:
    """The ranker's features for `postings` given the jobs the person looked at
    or applied to before (`seen`, oldest first), their own titles and their
    (city, region). Same definitions as the eval's `Featurizer`, except that
    the TF-IDF weights are fitted on this short list instead of a whole site.
    Features without evidence (nothing seen, no titles, no home) are omitted.
    Plain numpy, titles' terms cached: this runs in the request path. With
    `wanted`, the costlier features not named there are skipped."""

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    n = len(postings)
    cols: dict[str, np.ndarray] = {}
    if n == 0:
        return cols
    titles = [p.title for p in postings]
    seen_titles = [p.title for p in seen]
    own = [t for t in own_titles if t.strip()]
    extra = [" ".join(own)] if own else []
    char = tfidf_rows([*titles, *seen_titles, *own], extra, "char")
    jc = char[:n]
    if seen:
        sims = jc @ char[n : n + len(seen)].T
        cols["title_max"] = sims.max(axis=1)
        cols["title_mean"] = sims.mean(axis=1)
        cols["title_last"] = sims[:, -1]
    if own:
        cols["title_history"] = jc @ char[-1]
    profile = " ".join([*seen_titles, *own])
    if profile.strip():
        word = tfidf_rows([*titles, profile], kind="word")
        cols["title_words"] = word[:n] @ word[n]
    places = [_place(p) for p in postings]
    city = np.array([int(pl[0] != "") for pl in places], dtype=bool)
    if seen:
        seen_places = [_place(p) for p in seen]
        last = seen_places[-1]
        cols["city_viewed"] = np.array([pl in seen_places for pl in places]) & city
        regions = {r for _, r in seen_places} - {""}
        cols["state_viewed"] = np.array([pl[1] in regions for pl in places], dtype=np.float64)
        if want("company_viewed"):
            companies = {_key(p.company) for p in seen} - {""}
            cols["company_viewed"] = np.array([_key(p.company) in companies for p in postings])
        if want("city_last") or want("state_last"):
            cols["city_last"] = np.array([pl == last for pl in places]) & city
            cols["state_last"] = np.array([pl[1] == last[1] != "" for pl in places])
        if want("city_share") or want("state_share"):
            cols["city_share"] = (
                np.array([sum(pl == q for q in seen_places) / len(seen) for pl in places]) * city
            )
            cols["state_share"] = np.array(
                [sum(pl[1] == q[1] != "" for q in seen_places) / len(seen) for pl in places]
            )
        ages = [p.age_days for p in postings]
        if all(a is not None for a in ages):
            # Recency: the gap to "now" in job-site id units (IDS_PER_DAY); the
            # nearest "earlier view" is now too, so both features read the same.
            gap = np.maximum(np.array(ages, dtype=np.float64), 0.0) * IDS_PER_DAY
            cols["id_near_last"] = cols["id_near_min"] = -np.log1p(gap)
        else:
            numbers = np.array([p.number for p in postings], dtype=np.float64)
            earlier = np.array([p.number for p in seen], dtype=np.float64)
            cols["id_near_last"] = -np.log1p(np.abs(numbers - earlier[-1]))
            cols["id_near_min"] = -np.log1p(np.abs(numbers[:, None] - earlier[None, :]).min(axis=1))
    meaning = [f for f in ("meaning_max", "meaning_mean", "meaning_last") if want(f)]
    if (seen and meaning) or (own and want("meaning_history")):
        vecs = title_vectors([*titles, *seen_titles, *own])
        if vecs is not None:  # no encoder installed: the features drop out
            jv = vecs[:n]
            if seen and meaning:
                sem = jv @ vecs[n : n + len(seen)].T
                cols["meaning_max"] = sem.max(axis=1)
                cols["meaning_mean"] = sem.mean(axis=1)
                cols["meaning_last"] = sem[:, -1]
            if own and want("meaning_history"):
                cols["meaning_history"] = (jv @ vecs[n + len(seen) :].T).max(axis=1)
    home_city, home_region = _key(home[0]), _key(home[1])
    if home_region and (want("state_history") or want("city_history")):
        cols["state_history"] = np.array([pl[1] == home_region for pl in places])
        if home_city:
            cols["city_history"] = np.array([pl == (home_city, home_region) for pl in places])
    return cols


def rank_postings(
    postings: Sequence[Posting],
    *,
    seen: Sequence[Posting] = (),
    own_titles: Sequence[str] = (),
    home: tuple[str, str] = ("", ""),
    extra: np.ndarray | None = None,
    ranker: Ranker | None = None,
) -> np.ndarray:
    """Ranker scores for `postings` (higher first), plus `extra` if given."""
    model = ranker or load_ranker()
    cols = shortlist_features(
        postings, seen=seen, own_titles=own_titles, home=home, wanted=model.features
    )
    scores = model.score(cols, len(postings))
    if extra is not None:
        scores = scores + extra
    return scores


__all__ = [
    "FEATURES",
    "HEURISTIC_WEIGHTS",
    "IDS_PER_DAY",
    "MODEL_PATH",
    "Posting",
    "Ranker",
    "heuristic",
    "load_ranker",
    "rank_postings",
    "read_ranker",
    "shortlist_features",
    "title_vectors",
]
