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
- engine: a logistic regression over a handful of general signals (title
  similarity by character n-grams to viewed jobs and to the work history,
  the word TF-IDF cosine, city/state of viewed jobs and of the work history,
  company, the popularity prior). Its weights are fitted on a fixed quarter
  of the applicants (chosen by a hash of the id), which are not reported.

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
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

FEATURES = (
    "title_max",  # best char n-gram cosine to a viewed job
    "title_mean",
    "title_last",  # to the most recently viewed job
    "title_history",  # to work history and positions of interest
    "title_words",  # the baseline's word TF-IDF cosine
    "city_viewed",
    "state_viewed",
    "city_history",
    "state_history",
    "company_viewed",
    "popularity",  # log(1 + views by others)
)
TRAIN_SHARE = 4  # one applicant in four trains the weights
NEGATIVES = 1000  # random negatives per training applicant
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
    def __init__(self, jobs: Jobs) -> None:
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

    def profile_words(self, case: Case) -> str:
        return " ".join([*(self.jobs.title[r] for r in case.earlier), *case.history_titles])

    def word_scores(self, case: Case) -> np.ndarray:
        p = self.word.transform([self.profile_words(case)])
        return np.asarray((self.jw @ p.T).todense()).ravel()

    def popularity(self, case: Case) -> np.ndarray:
        own = np.array([case.applicant in v for v in self.jobs.viewers], dtype=float)
        return np.log1p(self.views - own)

    def features(self, case: Case) -> np.ndarray:
        j = self.jobs
        sims = (self.jc @ self.jc[case.earlier].T).toarray()
        hist = (
            np.asarray(
                (self.jc @ self.char.transform([" ".join(case.history_titles)]).T).todense()
            ).ravel()
            if case.history_titles
            else np.zeros(len(j.ids))
        )
        seen_city = {int(j.city[r]) for r in case.earlier} - {0}
        seen_state = {int(j.state[r]) for r in case.earlier} - {0}
        seen_company = {int(j.company[r]) for r in case.earlier} - {0}
        cols = [
            sims.max(axis=1),
            sims.mean(axis=1),
            sims[:, -1],
            hist,
            self.word_scores(case),
            np.isin(j.city, list(seen_city)),
            np.isin(j.state, list(seen_state)),
            np.isin(j.city, list(case.history_cities - {0})),
            np.isin(j.state, list(case.history_states - {0})),
            np.isin(j.company, list(seen_company)),
            self.popularity(case),
        ]
        return np.column_stack(cols).astype(np.float64)


def allowed_rows(n: int, case: Case) -> np.ndarray:
    allowed = np.ones(n, dtype=bool)
    allowed[case.earlier] = False
    return allowed


@dataclass
class Model:
    scaler: StandardScaler
    clf: LogisticRegression
    use: list[int]  # feature columns kept

    def score(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.clf.decision_function(self.scaler.transform(x[:, self.use])))

    def weights(self) -> dict[str, float]:
        """Weight per raw feature unit; 0 for dropped features."""
        coef = self.clf.coef_.ravel() / self.scaler.scale_
        out = dict.fromkeys(FEATURES, 0.0)
        for f, c in zip(self.use, coef, strict=True):
            out[FEATURES[f]] = round(float(c), 4)
        return out


def train(featurizer: Featurizer, cases: Iterable[Case], seed: int = 0) -> Model:
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    n = len(featurizer.jobs.ids)
    for case in cases:
        x = featurizer.features(case)
        allowed = allowed_rows(n, case)
        allowed[case.target] = False
        pool = np.flatnonzero(allowed)
        neg = np.sort(rng.choice(pool, min(NEGATIVES, len(pool)), replace=False))
        xs.append(np.vstack([x[[case.target]], x[neg]]))
        ys.append(np.concatenate([[1.0], np.zeros(len(neg))]))
    x_all, y_all = np.vstack(xs), np.concatenate(ys)
    # Every signal is meant to raise the score (more similar, same place, more
    # popular). A feature whose fitted weight comes out negative is dropped and
    # the rest refitted: a negative popularity weight, for one, would only
    # exploit that every job in the file was viewed by someone.
    use = list(range(len(FEATURES)))
    while True:
        scaler = StandardScaler().fit(x_all[:, use])
        clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        clf.fit(scaler.transform(x_all[:, use]), y_all)
        coef = clf.coef_.ravel()
        if coef.min() >= 0 or len(use) == 1:
            return Model(scaler, clf, use)
        use = [f for f, c in zip(use, coef, strict=True) if c >= 0]


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
def evaluate(folder: Path, *, mode: str = "default", limit: int | None = None) -> dict[str, Any]:
    jobs, cases = load(folder)
    featurizer = Featurizer(jobs)
    train_cases = [c for c in cases if is_training(c.applicant)]
    report = [c for c in cases if not is_training(c.applicant)]
    if limit is not None:
        report = report[:limit]
    model = train(featurizer, train_cases)
    n = len(jobs.ids)
    ranks: dict[str, list[int]] = {"engine": [], "popularity": [], "tfidf_titles": []}
    explore_ranks: list[int] = []
    shares: dict[str, list[float]] = {"default": [], "explore": []}
    occupation = Occupations() if mode == "explore" else None
    for case in report:
        allowed = allowed_rows(n, case)
        x = featurizer.features(case)
        engine = model.score(x)
        ranks["engine"].append(rank_of(engine, case.target, allowed))
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
        "popularity": summarise(ranks["popularity"]),
        "tfidf_titles": summarise(ranks["tfidf_titles"]),
        "weights": model.weights(),
    }
    if occupation is not None:
        out["engine_default"] = out["engine"]
        out["engine"] = summarise(explore_ranks)
        out["new_occupation_share@10"] = {
            k: round(float(np.mean(v)) if v else 0.0, 4) for k, v in shares.items()
        }
    return out


def run_eval_recommend(args: argparse.Namespace) -> dict[str, Any]:
    return evaluate(
        Path(args.job_views),
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
]
