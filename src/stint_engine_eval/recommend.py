"""`python -m stint_engine eval recommend`: next-job prediction on job-site logs.

Protocol (folder with Job_Views.csv.gz, Experience.csv.gz,
Positions_Of_Interest.csv.gz): order each applicant's views by `View.Start`;
the target is the job of the latest view; the profile is the applicant's
work history, positions of interest and the distinct other jobs viewed
before it (applicants with none are skipped); the candidates are all
distinct jobs in the file except those earlier ones. Ranks ties by job id.

Methods, all scored over the same candidates:
- popularity: distinct applicants who viewed the job, the applicant's own
  views left out;
- tfidf_titles: word TF-IDF cosine between the job title and the profile's
  titles (viewed jobs, work history, positions of interest);
- heuristic: the issue's location-aware baseline, no learning: the word
  TF-IDF cosine + 2.0 for a job in a state and 1.0 for a job in a city the
  applicant viewed before;
- engine: the shipped learned ranker (`retrieval.ranker`, the same one the
  web app's "Recommended for you" uses): a linear model over general signals
  (title similarity by character n-grams and by the sentence encoder, same
  place as viewed jobs, posted around the time of the viewed jobs, ...).
  Every distinct title involved is encoded once per process. `scripts/train_ranker.py` chooses its model and features
  by cross-validation grouped by applicant on a fixed quarter of the
  applicants (chosen by a hash of the id) and fits it there; that quarter is
  never reported. Popularity is not a ranker input: every job in the file was
  viewed by someone, so "viewed by no one else" singles out the target.

`--mode explore` keeps the first 7 of the engine's top 10 and fills the last
3 with the best-ranked jobs (from its top 40) whose normalised occupation
(`text.normalise_title`) differs from every occupation in the applicant's
history; it reports, for both modes, the share of recommended jobs in an
occupation new to the applicant.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from stint_engine.retrieval.ranker import FEATURES as RANKER_FEATURES
from stint_engine.retrieval.ranker import Ranker, heuristic, load_ranker, title_vectors

FEATURES = (*RANKER_FEATURES, "popularity")  # popularity: a baseline, never a ranker input
TRAIN_SHARE = 4  # one applicant in four trains the weights and is never reported
FOLDS = 5  # cross-validation folds over the training applicants (by hash of the id)
EXPLORE_KEEP = 7
EXPLORE_POOL = 40
K = 10


# -- metrics ---------------------------------------------------------------------
def hit_at_k(rank: int, k: int = K) -> float:
    """`rank` is 1-based."""
    return 1.0 if rank <= k else 0.0


def reciprocal_rank(rank: int) -> float:
    return 1.0 / rank


def ndcg_at_k(rank: int, k: int = K) -> float:
    """One relevant item: the ideal DCG is 1."""
    return 1.0 / math.log2(rank + 1) if rank <= k else 0.0


def summarise(ranks: Sequence[int]) -> dict[str, float]:
    n = max(1, len(ranks))
    return {
        "hit@10": round(sum(hit_at_k(r) for r in ranks) / n, 4),
        "mrr": round(sum(reciprocal_rank(r) for r in ranks) / n, 4),
        "ndcg@10": round(sum(ndcg_at_k(r) for r in ranks) / n, 4),
    }


def rank_of(scores: np.ndarray, target: int, allowed: np.ndarray) -> int:
    """1-based rank of `target` among allowed rows; ties go to the lower row."""
    s = scores[target]
    better = (scores > s) & allowed
    ties = (scores == s) & allowed
    return int(better.sum() + ties[:target].sum() + 1)


def ranking(scores: np.ndarray, allowed: np.ndarray, top: int) -> list[int]:
    rows = np.flatnonzero(allowed)
    order = rows[np.lexsort((rows, -scores[rows]))]
    return order[:top].tolist()


# -- data ------------------------------------------------------------------------
def _read(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _clean(value: str | None) -> str:
    v = (value or "").strip()
    return "" if v in ("NA", "N/A", "null") else v


@dataclass
class Jobs:
    ids: list[str]
    position: list[str]
    title: list[str]
    company: np.ndarray  # codes, 0 = unknown
    city: np.ndarray
    state: np.ndarray
    viewers: list[set[str]]
    codes: dict[str, int] = field(default_factory=lambda: {"": 0})

    def code(self, value: str) -> int:
        v = value.strip().casefold()
        if not v:
            return 0
        return self.codes.setdefault(v, len(self.codes))


@dataclass
class Case:
    applicant: str
    target: int  # job row
    earlier: list[int]  # job rows, oldest first, distinct, target excluded
    history_titles: list[str]
    history_cities: set[int]
    history_states: set[int]


def load(folder: Path) -> tuple[Jobs, list[Case]]:
    views = _read(folder / "Job_Views.csv.gz")
    experience = _read(folder / "Experience.csv.gz")
    interests = _read(folder / "Positions_Of_Interest.csv.gz")

    jobs = Jobs([], [], [], np.zeros(0, int), np.zeros(0, int), np.zeros(0, int), [])
    row_of: dict[str, int] = {}
    company: list[int] = []
    city: list[int] = []
    state: list[int] = []
    for v in views:
        jid = v["Job.ID"]
        if jid not in row_of:
            row_of[jid] = len(jobs.ids)
            jobs.ids.append(jid)
            position = _clean(v.get("Position")) or _clean(v.get("Title"))
            jobs.position.append(position)
            jobs.title.append(_clean(v.get("Title")) or position)
            company.append(
                jobs.code("co:" + _clean(v.get("Company"))) if _clean(v.get("Company")) else 0
            )
            st = _clean(v.get("State.Code")) or _clean(v.get("State.Name"))
            state.append(jobs.code("st:" + st) if st else 0)
            ci = _clean(v.get("City"))
            city.append(jobs.code(f"ci:{ci}|{st}") if ci else 0)
            jobs.viewers.append(set())
        jobs.viewers[row_of[jid]].add(v["Applicant.ID"])
    jobs.company, jobs.city, jobs.state = np.array(company), np.array(city), np.array(state)

    history: dict[str, list[str]] = defaultdict(list)
    cities: dict[str, set[int]] = defaultdict(set)
    states: dict[str, set[int]] = defaultdict(set)
    for e in experience:
        a = e["Applicant.ID"]
        if _clean(e.get("Position.Name")):
            history[a].append(_clean(e["Position.Name"]))
        st = _clean(e.get("State.Code")) or _clean(e.get("State.Name"))
        if st:
            states[a].add(jobs.codes.get("st:" + st.casefold(), -1))
        ci = _clean(e.get("City"))
        if ci:
            cities[a].add(jobs.codes.get(f"ci:{ci}|{st}".casefold(), -1))
    for p in interests:
        if _clean(p.get("Position.Of.Interest")):
            history[p["Applicant.ID"]].append(_clean(p["Position.Of.Interest"]))

    by_applicant: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for i, v in enumerate(views):
        by_applicant[v["Applicant.ID"]].append((v["View.Start"], i, row_of[v["Job.ID"]]))
    cases = []
    for a in sorted(by_applicant, key=lambda x: (len(x), x)):
        seq = sorted(by_applicant[a])
        target = seq[-1][2]
        earlier = list(dict.fromkeys(r for _, _, r in seq[:-1] if r != target))
        if not earlier:
            continue
        cases.append(Case(a, target, earlier, history[a], cities[a], states[a]))
    return jobs, cases


def is_training(applicant: str) -> bool:
    return (
        int(hashlib.sha1(applicant.encode(), usedforsecurity=False).hexdigest(), 16) % TRAIN_SHARE
        == 0
    )


# -- features --------------------------------------------------------------------
class Featurizer:
    def __init__(
        self,
        jobs: Jobs,
        history_titles: Sequence[str] = (),
        progress: Any = None,
        *,
        meaning: bool = True,
    ) -> None:
        self.jobs = jobs
        self.char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True
        )
        self.jc = self.char.fit_transform(jobs.position).tocsr()
        self.word = TfidfVectorizer(
            sublinear_tf=True, lowercase=True, token_pattern=r"(?u)\b\w\w+\b"
        )
        self.jw = self.word.fit_transform(jobs.title).tocsr()
        self.views = np.array([len(v) for v in jobs.viewers], dtype=float)
        # Job ids grow with posting time on the site: "posted around the same
        # time as what the applicant looked at" (row order when ids are not numbers).
        self.number = np.array(
            [int(i) if i.isdigit() else r for r, i in enumerate(jobs.ids)], dtype=np.float64
        )
        # Sentence-encoder vectors of every job title and history title, encoded
        # once per process (a few minutes on a loaded machine; progress on stderr).
        texts = list(dict.fromkeys([*jobs.position, *history_titles]))
        done = [0]

        def step(k: int) -> None:
            done[0] += k
            if progress is not None and done[0] // 640 != (done[0] - k) // 640:
                progress(f"encoded {done[0]}/{len(texts)} titles")

        vecs = title_vectors(texts, progress=step) if meaning else None
        self.meaning = vecs is not None
        self.vector: dict[str, np.ndarray] = (
            dict(zip(texts, vecs, strict=True)) if vecs is not None else {}
        )
        self.jv = (
            np.vstack([self.vector[t] for t in jobs.position])
            if vecs is not None
            else np.zeros((len(jobs.ids), 1), dtype=np.float32)
        )

    def profile_words(self, case: Case) -> str:
        return " ".join([*(self.jobs.title[r] for r in case.earlier), *case.history_titles])

    def word_scores(self, case: Case) -> np.ndarray:
        p = self.word.transform([self.profile_words(case)])
        return np.asarray((self.jw @ p.T).todense()).ravel()

    def popularity(self, case: Case) -> np.ndarray:
        own = np.array([case.applicant in v for v in self.jobs.viewers], dtype=float)
        return np.log1p(self.views - own)

    def features(self, case: Case) -> np.ndarray:
        """One row per job, one column per name in FEATURES."""
        j = self.jobs
        earlier = case.earlier
        sims = (self.jc @ self.jc[earlier].T).toarray()
        hist = (
            np.asarray(
                (self.jc @ self.char.transform([" ".join(case.history_titles)]).T).todense()
            ).ravel()
            if case.history_titles
            else np.zeros(len(j.ids))
        )
        seen_city = {int(j.city[r]) for r in earlier} - {0}
        seen_state = {int(j.state[r]) for r in earlier} - {0}
        seen_company = {int(j.company[r]) for r in earlier} - {0}
        last = earlier[-1]
        city_count = np.zeros(len(j.ids))
        state_count = np.zeros(len(j.ids))
        for r in earlier:
            if j.city[r]:
                city_count += j.city == j.city[r]
            if j.state[r]:
                state_count += j.state == j.state[r]
        gap = np.abs(self.number[:, None] - self.number[earlier][None, :])
        sem = self.jv @ self.jv[earlier].T  # zeros without an encoder
        own = [self.vector[t] for t in case.history_titles if t in self.vector]
        sem_own = (self.jv @ np.vstack(own).T).max(axis=1) if own else np.zeros(len(j.ids))
        cols = {
            "title_max": sims.max(axis=1),
            "title_mean": sims.mean(axis=1),
            "title_last": sims[:, -1],
            "title_history": hist,
            "title_words": self.word_scores(case),
            "city_viewed": np.isin(j.city, list(seen_city)),
            "state_viewed": np.isin(j.state, list(seen_state)),
            "city_history": np.isin(j.city, list(case.history_cities - {0})),
            "state_history": np.isin(j.state, list(case.history_states - {0})),
            "company_viewed": np.isin(j.company, list(seen_company)),
            "city_last": (j.city == j.city[last]) & (j.city[last] != 0),
            "state_last": (j.state == j.state[last]) & (j.state[last] != 0),
            "city_share": city_count / len(earlier),
            "state_share": state_count / len(earlier),
            "id_near_last": -np.log1p(gap[:, -1]),
            "id_near_min": -np.log1p(gap.min(axis=1)),
            "meaning_max": sem.max(axis=1),
            "meaning_mean": sem.mean(axis=1),
            "meaning_last": sem[:, -1],
            "meaning_history": sem_own,
            "popularity": self.popularity(case),
        }
        return np.column_stack([cols[f] for f in FEATURES]).astype(np.float64)


def allowed_rows(n: int, case: Case) -> np.ndarray:
    allowed = np.ones(n, dtype=bool)
    allowed[case.earlier] = False
    return allowed


def columns(x: np.ndarray, names: Sequence[str] = RANKER_FEATURES) -> dict[str, np.ndarray]:
    return {f: x[:, FEATURES.index(f)] for f in names}


def score_with(ranker: Ranker, x: np.ndarray) -> np.ndarray:
    return ranker.score(columns(x, ranker.features), len(x))


# -- training (scripts/train_ranker.py) ------------------------------------------------
# Candidate models compared by cross-validation; each is a feature set.
# "pointwise" is the previous engine (class-balanced logistic regression over
# sampled negatives); "listwise" maximises the softmax probability of the job
# viewed next among all allowed jobs, which is what hit@10 rewards.
CANDIDATE_SETS: dict[str, tuple[str, ...]] = {
    "heuristic_features": ("title_words", "state_viewed", "city_viewed"),
    "titles_places": ("title_last", "title_history", "title_words", "city_viewed", "state_viewed"),
    "titles_places_recency": (
        "title_last",
        "title_history",
        "title_words",
        "city_viewed",
        "state_viewed",
        "id_near_last",
        "id_near_min",
    ),
    "titles_places_recency_home": (
        "title_last",
        "title_history",
        "title_words",
        "city_viewed",
        "state_viewed",
        "id_near_last",
        "id_near_min",
        "city_history",
        "state_history",
    ),
    "titles_places_recency_last": (
        "title_last",
        "title_history",
        "title_words",
        "city_viewed",
        "state_viewed",
        "id_near_last",
        "id_near_min",
        "city_last",
        "state_last",
        "city_share",
        "state_share",
    ),
    # + the sentence encoder's title similarity (`meaning_*`)
    "titles_places_recency_meaning": (
        "title_last",
        "title_history",
        "title_words",
        "city_viewed",
        "state_viewed",
        "id_near_last",
        "id_near_min",
        "meaning_max",
        "meaning_last",
        "meaning_history",
    ),
    "titles_places_recency_meaning_mean": (
        "title_last",
        "title_history",
        "title_words",
        "city_viewed",
        "state_viewed",
        "id_near_last",
        "id_near_min",
        "meaning_max",
        "meaning_mean",
        "meaning_last",
        "meaning_history",
    ),
    "meaning_places_recency": (  # the encoder instead of the character n-grams
        "title_words",
        "city_viewed",
        "state_viewed",
        "id_near_last",
        "id_near_min",
        "meaning_max",
        "meaning_last",
        "meaning_history",
    ),
    "all": RANKER_FEATURES,
}
L2 = (0.01, 0.1)
NEGATIVES = 300  # sampled negatives per applicant for the pointwise model


@dataclass
class TrainingSet:
    x: list[np.ndarray]  # per case: allowed jobs x FEATURES
    target: list[int]  # row of the target inside x
    applicants: list[str]


def training_set(
    featurizer: Featurizer, cases: Sequence[Case], progress: Any = None
) -> TrainingSet:
    xs, targets = [], []
    n = len(featurizer.jobs.ids)
    for i, case in enumerate(cases):
        allowed = allowed_rows(n, case)
        xs.append(featurizer.features(case)[allowed].astype(np.float32))
        targets.append(int(allowed[: case.target].sum()))
        if progress is not None and (i + 1) % 50 == 0:
            progress(f"features {i + 1}/{len(cases)}")
    return TrainingSet(xs, targets, [c.applicant for c in cases])


def fit_listwise(data: TrainingSet, rows: Sequence[int], names: Sequence[str], l2: float) -> Ranker:
    """Linear weights maximising the mean log softmax probability of the target
    (standardised features, L2 penalty), by L-BFGS from zero: deterministic."""
    from scipy.optimize import minimize

    cols = [FEATURES.index(f) for f in names]
    xs = [data.x[r][:, cols].astype(np.float64) for r in rows]
    sample = np.vstack([x[::20] for x in xs])
    mu, sd = sample.mean(axis=0), sample.std(axis=0) + 1e-9
    xs = [(x - mu) / sd for x in xs]
    ts = [data.target[r] for r in rows]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for x, t in zip(xs, ts, strict=True):
            s = x @ w
            m = s.max()
            p = np.exp(s - m)
            z = p.sum()
            p /= z
            total -= s[t] - m - math.log(z)
            grad -= x[t] - p @ x
        k = len(xs)
        return total / k + l2 * float(w @ w) / 2, grad / k + l2 * w

    w = minimize(loss, np.zeros(len(cols)), jac=True, method="L-BFGS-B").x
    return Ranker(tuple(names), tuple(float(v) for v in w / sd))


def fit_pointwise(
    data: TrainingSet, rows: Sequence[int], names: Sequence[str], seed: int = 0
) -> Ranker:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    cols = [FEATURES.index(f) for f in names]
    xs, ys = [], []
    for r in rows:
        x, t = data.x[r][:, cols], data.target[r]
        pool = np.delete(np.arange(len(x)), t)
        neg = np.sort(rng.choice(pool, min(NEGATIVES, len(pool)), replace=False))
        xs.append(np.vstack([x[[t]], x[neg]]))
        ys.append(np.concatenate([[1.0], np.zeros(len(neg))]))
    x_all, y_all = np.vstack(xs), np.concatenate(ys)
    scaler = StandardScaler().fit(x_all)
    clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    clf.fit(scaler.transform(x_all), y_all)
    return Ranker(tuple(names), tuple(float(v) for v in clf.coef_.ravel() / scaler.scale_))


def fold_of(applicant: str) -> int:
    digest = hashlib.sha1(f"fold:{applicant}".encode(), usedforsecurity=False).hexdigest()
    return int(digest, 16) % FOLDS


def ranks_on(data: TrainingSet, rows: Sequence[int], ranker: Ranker) -> list[int]:
    out = []
    for r in rows:
        x = data.x[r]
        scores = score_with(ranker, x)
        out.append(rank_of(scores, data.target[r], np.ones(len(x), dtype=bool)))
    return out


def cross_validate(
    data: TrainingSet, progress: Any = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every candidate (model, feature set, L2) scored by grouped K-fold CV
    over the training applicants; the best by hit@10, then MRR, then fewer
    features. Returns the table and the winner's row."""
    folds = np.array([fold_of(a) for a in data.applicants])
    configs: list[tuple[str, str, float | None]] = [("heuristic", "heuristic", None)]
    configs.append(("pointwise", "titles_places", None))
    configs.append(("pointwise", "all", None))
    configs += [("listwise", name, l2) for name in CANDIDATE_SETS for l2 in L2]
    table: list[dict[str, Any]] = []
    for kind, name, l2 in configs:
        ranks: list[int] = []
        for k in range(FOLDS):
            train_rows = np.flatnonzero(folds != k).tolist()
            test_rows = np.flatnonzero(folds == k).tolist()
            if kind == "heuristic":
                ranker = heuristic()
            elif kind == "pointwise":
                ranker = fit_pointwise(data, train_rows, CANDIDATE_SETS[name])
            else:
                ranker = fit_listwise(data, train_rows, CANDIDATE_SETS[name], float(l2 or 0))
            ranks += ranks_on(data, test_rows, ranker)
        row: dict[str, Any] = {"model": kind, "features": name, "l2": l2, **summarise(ranks)}
        table.append(row)
        if progress is not None:
            progress(f"cv {kind} {name} l2={l2}: {row['hit@10']} hit@10, {row['mrr']} MRR")
    learned = [r for r in table if r["model"] != "heuristic"]
    best = max(
        learned,
        key=lambda r: (r["hit@10"], r["mrr"], -len(CANDIDATE_SETS[str(r["features"])])),
    )
    return table, best


def train_ranker(folder: Path, progress: Any = None) -> Ranker:
    """Select by cross-validation on the training quarter, then refit the
    winner on the whole training quarter. The reported applicants are unused."""
    jobs, cases = load(folder)
    train_cases = [c for c in cases if is_training(c.applicant)]
    own = [t for c in train_cases for t in c.history_titles]
    featurizer = Featurizer(jobs, own, progress)
    data = training_set(featurizer, train_cases, progress)
    table, best = cross_validate(data, progress)
    rows = list(range(len(train_cases)))
    names = CANDIDATE_SETS[best["features"]]
    if best["model"] == "pointwise":
        fitted = fit_pointwise(data, rows, names)
    else:
        fitted = fit_listwise(data, rows, names, float(best["l2"]))
    info = {
        "kind": best["model"],
        "feature_set": best["features"],
        "l2": best["l2"],
        "trained_on": f"{len(train_cases)} training applicants (1 in {TRAIN_SHARE} by hash)",
        "cv_folds": FOLDS,
        "cv": table,
    }
    return Ranker(fitted.features, fitted.weights, info)


# -- explore -----------------------------------------------------------------------
class Occupations:
    """Top-1 normalised occupation per title, cached."""

    def __init__(self) -> None:
        from stint_engine.text import normalise_title

        self._normalise: Callable[..., list[Any]] = normalise_title
        self._cache: dict[str, str] = {}

    def __call__(self, title: str) -> str:
        key = title.strip().casefold()
        if key not in self._cache:
            found = self._normalise(title, 1) if key else []
            self._cache[key] = found[0][0].id if found else ""
        return self._cache[key]


def explore(order: list[int], new: Callable[[int], bool]) -> list[int]:
    """Keep the first EXPLORE_KEEP, then the best-ranked jobs in new occupations."""
    head = order[:EXPLORE_KEEP]
    fresh = [r for r in order[EXPLORE_KEEP:EXPLORE_POOL] if new(r)][: K - EXPLORE_KEEP]
    rest = [r for r in order[EXPLORE_KEEP:] if r not in fresh]
    return head + fresh + rest


def _is_new(occupation: Occupations, jobs: Jobs, seen: set[str]) -> Callable[[int], bool]:
    def new(row: int) -> bool:
        return occupation(jobs.position[row]) not in seen

    return new


# -- entry point -------------------------------------------------------------------
def evaluate(
    folder: Path,
    *,
    mode: str = "default",
    limit: int | None = None,
    ranker: Ranker | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """`ranker` defaults to the shipped model (the one the web app uses).
    Titles are encoded only when it reads the sentence encoder's features."""
    model = ranker or load_ranker()
    baseline = heuristic()
    jobs, cases = load(folder)
    train_cases = [c for c in cases if is_training(c.applicant)]
    report = [c for c in cases if not is_training(c.applicant)]
    if limit is not None:
        report = report[:limit]
    featurizer = Featurizer(
        jobs,
        [t for c in report for t in c.history_titles],
        progress,
        meaning=any(f.startswith("meaning_") for f in model.features),
    )
    n = len(jobs.ids)
    ranks: dict[str, list[int]] = {
        "engine": [],
        "heuristic": [],
        "popularity": [],
        "tfidf_titles": [],
    }
    explore_ranks: list[int] = []
    shares: dict[str, list[float]] = {"default": [], "explore": []}
    occupation = Occupations() if mode == "explore" else None
    for case in report:
        allowed = allowed_rows(n, case)
        x = featurizer.features(case)
        engine = score_with(model, x)
        ranks["engine"].append(rank_of(engine, case.target, allowed))
        ranks["heuristic"].append(rank_of(score_with(baseline, x), case.target, allowed))
        ranks["popularity"].append(
            rank_of(x[:, FEATURES.index("popularity")], case.target, allowed)
        )
        ranks["tfidf_titles"].append(
            rank_of(x[:, FEATURES.index("title_words")], case.target, allowed)
        )
        if occupation is not None:
            seen = {
                occupation(t)
                for t in [*(jobs.position[r] for r in case.earlier), *case.history_titles]
            } - {""}
            order = ranking(engine, allowed, EXPLORE_POOL)
            explored = explore(order, _is_new(occupation, jobs, seen))
            top = explored[:K]
            if case.target in explored:
                explore_ranks.append(explored.index(case.target) + 1)
            else:
                explore_ranks.append(max(EXPLORE_POOL + 1, ranks["engine"][-1]))
            for name, picked in (("default", order[:K]), ("explore", top)):
                fresh = [occupation(jobs.position[r]) not in seen for r in picked]
                shares[name].append(sum(fresh) / max(1, len(fresh)))
    out: dict[str, Any] = {
        "applicants_evaluated": len(report),
        "applicants_used_for_weights": len(train_cases),
        "applicants_skipped_no_earlier_view": len(set().union(*jobs.viewers)) - len(cases),
        "candidate_jobs": n,
        "mode": mode,
        "engine": summarise(ranks["engine"]),
        "heuristic": summarise(ranks["heuristic"]),
        "popularity": summarise(ranks["popularity"]),
        "tfidf_titles": summarise(ranks["tfidf_titles"]),
        "weights": model.as_dict(),
        "model": {k: v for k, v in model.info.items() if k != "cv"},
    }
    if occupation is not None:
        out["engine_default"] = out["engine"]
        out["engine"] = summarise(explore_ranks)
        out["new_occupation_share@10"] = {
            k: round(float(np.mean(v)) if v else 0.0, 4) for k, v in shares.items()
        }
    return out


def run_eval_recommend(args: argparse.Namespace) -> dict[str, Any]:
    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    return evaluate(
        Path(args.job_views),
        progress=progress,
        mode=getattr(args, "mode", "default"),
        limit=getattr(args, "limit", None),
    )


__all__ = [
    "FEATURES",
    "evaluate",
    "hit_at_k",
    "ndcg_at_k",
    "rank_of",
    "reciprocal_rank",
    "run_eval_recommend",
    "train_ranker",
]
