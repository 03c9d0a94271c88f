from __future__ import annotations

import argparse
import csv
import gzip
import math
import random
from pathlib import Path

import numpy as np
import pytest

from stint_engine.eval.recommend import (
    explore,
    hit_at_k,
    load,
    ndcg_at_k,
    rank_of,
    reciprocal_rank,
    run_eval_recommend,
    summarise,
)


def test_metrics_on_hand_computed_cases() -> None:
    assert hit_at_k(1) == hit_at_k(10) == 1.0
    assert hit_at_k(11) == 0.0
    assert reciprocal_rank(4) == 0.25
    assert ndcg_at_k(1) == 1.0
    assert ndcg_at_k(3) == pytest.approx(1 / math.log2(4)) == pytest.approx(0.5)
    assert ndcg_at_k(11) == 0.0
    # ranks 1, 3 and 20: hit@10 2/3, MRR (1 + 1/3 + 1/20) / 3, NDCG (1 + 0.5 + 0) / 3
    got = summarise([1, 3, 20])
    assert got["hit@10"] == pytest.approx(0.6667, abs=1e-4)
    assert got["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 20) / 3, abs=1e-4)
    assert got["ndcg@10"] == 0.5


def test_rank_skips_excluded_rows_and_breaks_ties_by_row() -> None:
    scores = np.array([0.9, 0.5, 0.5, 0.7, 0.1])
    allowed = np.array([False, True, True, True, True])
    assert rank_of(scores, 3, allowed) == 1  # row 0 scores higher but is excluded
    assert rank_of(scores, 1, allowed) == 2
    assert rank_of(scores, 2, allowed) == 3  # tied with row 1, which comes first


def test_explore_keeps_the_head_and_fills_the_tail_with_new_occupations() -> None:
    order = list(range(50))
    got = explore(order, lambda r: r in (20, 30, 45))
    assert got[:7] == list(range(7))
    assert got[7:10] == [20, 30, 7]  # 45 is outside the explore pool of 40
    assert sorted(got) == order


FAMILIES = {
    "barista": ["Barista", "Lead Barista", "Barista - Part Time", "Coffee Barista"],
    "nurse": ["Registered Nurse", "Nurse RN", "Night Nurse", "Nurse Practitioner"],
    "driver": ["Delivery Driver", "Truck Driver", "Driver CDL", "Van Driver"],
    "cashier": ["Cashier", "Store Cashier", "Cashier Part Time", "Retail Cashier"],
}
CITIES = [("Austin", "TX"), ("Denver", "CO"), ("Boston", "MA"), ("Miami", "FL"), ("Reno", "NV")]


def write_job_views(folder: Path, n_applicants: int = 80, seed: int = 1) -> None:
    """Applicants view jobs of one family in their own city; a few popular decoys."""
    rng = random.Random(seed)
    jobs: dict[tuple[str, str], list[tuple[int, str]]] = {}
    next_id = 1000
    for fam, titles in FAMILIES.items():
        for city, _ in CITIES:
            jobs[(fam, city)] = []
            for t in titles * 2:
                jobs[(fam, city)].append((next_id, t))
                next_id += 1
    state = dict(CITIES)
    views, experience, interests = [], [], []
    header = [
        "Applicant.ID",
        "Job.ID",
        "Title",
        "Position",
        "Company",
        "City",
        "State.Name",
        "State.Code",
        "Industry",
        "View.Start",
        "View.End",
        "View.Duration",
        "Created.At",
        "Updated.At",
    ]
    for a in range(10000, 10000 + n_applicants):
        fam = rng.choice(list(FAMILIES))
        city = rng.choice(CITIES)[0]
        pool = rng.sample(jobs[(fam, city)], 4)
        # a popular decoy everyone glances at first
        decoy = jobs[("cashier", "Reno")][0] if fam != "cashier" else jobs[("driver", "Reno")][0]
        seq = [(decoy, "Reno"), *((p, city) for p in pool)]
        for minute, ((jid, title), c) in enumerate(seq):
            t = f"2014-12-12 20:{10 + minute:02d}:00 UTC"
            views.append(
                [
                    a,
                    jid,
                    f"{title} @ Co{jid % 7}",
                    title,
                    f"Co{jid % 7}",
                    c,
                    state[c],
                    state[c],
                    "NA",
                    t,
                    t,
                    60,
                    t,
                    t,
                ]
            )
        experience.append(
            [
                a,
                FAMILIES[fam][0],
                "Old Co",
                city,
                state[city],
                state[city],
                "2010-01-01",
                "",
                "NA",
                "NA",
                "NA",
                "x",
                "x",
            ]
        )
        if rng.random() < 0.5:
            interests.append([a, fam, "x", "x"])
    exp_header = [
        "Applicant.ID",
        "Position.Name",
        "Employer.Name",
        "City",
        "State.Name",
        "State.Code",
        "Start.Date",
        "End.Date",
        "Job.Description",
        "Salary",
        "Can.Contact.Employer",
        "Created.At",
        "Updated.At",
    ]
    for name, head, rows in (
        ("Job_Views.csv.gz", header, views),
        ("Experience.csv.gz", exp_header, experience),
        (
            "Positions_Of_Interest.csv.gz",
            ["Applicant.ID", "Position.Of.Interest", "Created.At", "Updated.At"],
            interests,
        ),
    ):
        with gzip.open(folder / name, "wt", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(head)
            w.writerows(rows)


def test_protocol_targets_latest_view_and_excludes_earlier_jobs(tmp_path: Path) -> None:
    write_job_views(tmp_path, 10)
    jobs, cases = load(tmp_path)
    assert len(cases) == 10
    c = cases[0]
    assert jobs.position[c.earlier[0]] in ("Cashier", "Delivery Driver")  # the decoy came first
    assert c.target not in c.earlier and len(c.earlier) == 4


def test_end_to_end_on_a_small_synthetic_folder(tmp_path: Path) -> None:
    write_job_views(tmp_path)
    args = argparse.Namespace(job_views=str(tmp_path), mode="default", limit=None)
    out = run_eval_recommend(args)
    assert out["applicants_evaluated"] + out["applicants_used_for_weights"] == 80
    assert out["engine"]["hit@10"] > out["popularity"]["hit@10"]
    assert out["engine"]["mrr"] > out["tfidf_titles"]["mrr"]
    limited = run_eval_recommend(
        argparse.Namespace(job_views=str(tmp_path), mode="default", limit=5)
    )
    assert limited["applicants_evaluated"] == 5


@pytest.mark.shared
def test_shared_job_views_smoke(shared: Path) -> None:
    args = argparse.Namespace(job_views=str(shared / "job_views"), mode="default", limit=40)
    out = run_eval_recommend(args)
    assert out["applicants_evaluated"] == 40
    assert out["candidate_jobs"] > 5000
    for method in ("engine", "popularity", "tfidf_titles"):
        assert set(out[method]) == {"hit@10", "mrr", "ndcg@10"}
        assert 0.0 <= out[method]["hit@10"] <= 1.0
