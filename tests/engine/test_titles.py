"""Title normalisation reads vacancy titles through their noise (issue 12): the
query cleaner, the head view, the fused scores, and the noise the weights were
chosen on."""

from __future__ import annotations

import random

import numpy as np
import pytest

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.titles import (
    TITLE_WEIGHTS,
    TitleWeights,
    clean_title,
    normalise_title,
    occupation_index,
    title_head,
    title_scores,
)
from stint_engine_eval.title_noise import noisy_title


@pytest.fixture(scope="module")
def tx() -> Taxonomy:
    return Taxonomy.load()


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Junior Data Analyst (m/f/d)", "data analyst"),
        ("Sr. Software Dev II", "software developer"),
        ("Asst Store Mgr m/w/d", "assistant store manager"),
        ("Part-time Sales Assistant", "sales assistant"),
        ("ICT Security Administrator Apprentice in", "ict security administrator"),
        ("3D animator", "3d animator"),
        ("HEAD CHEF (all genders)", "head chef"),
    ],
)
def test_clean_title_drops_noise_and_expands_abbreviations(title: str, clean: str) -> None:
    assert clean_title(title) == clean


def test_clean_title_keeps_a_title_that_is_only_noise() -> None:
    assert clean_title("Senior") == "Senior"


@pytest.mark.parametrize(
    ("title", "head"),
    [
        ("Nurse - Night Shift, Leeds", "nurse"),
        ("HEAD CHEF | London", "head chef"),
        ("Accountant (Remote)", "accountant"),
        ("Warehouse Operative, Manchester", "warehouse operative"),
        ("Cook/Chef", "cook chef"),  # a slash without spaces joins two names of one job
        ("(m/f/d) Data Analyst", "data analyst"),
    ],
)
def test_head_is_the_first_segment(title: str, head: str) -> None:
    assert title_head(title) == head


def test_head_falls_back_to_the_whole_title_when_the_first_segment_is_noise() -> None:
    assert title_head("Senior - Payroll Administrator") == "payroll administrator"


def test_noisy_titles_find_their_occupation(tx: Taxonomy) -> None:
    for title, expected in [
        ("Junior Data Analyst (m/f/d) - Berlin", "data analyst"),
        ("HEAD CHEF | Night Shift", "head chef"),
        ("Sr. Acct Mgr - London", "accounting manager"),
        ("Cashier, Part-time", "cashier"),
    ]:
        top = [o.label for o, _ in normalise_title(title, 5, tx)]
        assert expected in top, (title, top)


def test_place_and_department_do_not_change_the_answer(tx: Taxonomy) -> None:
    plain = [o.id for o, _ in normalise_title("Payroll Administrator", 3, tx)]
    dressed = [o.id for o, _ in normalise_title("Payroll Administrator - Finance | Leeds", 3, tx)]
    assert plain[0] == dressed[0]


def test_title_scores_are_bounded_and_aligned(tx: Taxonomy) -> None:
    ids = occupation_index(tx).ids
    scores = title_scores(["Data Analyst", "Welder (m/f/d)", ""], tx)
    assert scores.shape == (3, len(ids))
    assert float(scores.min()) >= 0.0 and float(scores.max()) <= 1.0 + 1e-6
    assert tx.occupations[ids[int(np.argmax(scores[1]))]].label == "welder"
    assert normalise_title("", 5, tx) == [] and normalise_title("welder", 0, tx) == []


def test_weights_are_shares(tx: Taxonomy) -> None:
    for w in TITLE_WEIGHTS.values():
        assert 0 <= w.lexical + w.description <= 1 and 0 <= w.head <= 1
    # the head view alone and the full view alone agree on a title with no qualifiers
    only_head = title_scores(["welder"], tx, TitleWeights(0.1, 0.2, 1.0))
    only_full = title_scores(["welder"], tx, TitleWeights(0.1, 0.2, 0.0))
    assert np.allclose(only_head, only_full)


def test_noise_is_seeded_and_keeps_the_label_words() -> None:
    a = [noisy_title("payroll administrator", random.Random(s)) for s in range(50)]
    b = [noisy_title("payroll administrator", random.Random(s)) for s in range(50)]
    assert a == b
    assert len(set(a)) > 20  # it varies
    assert sum("payroll" in t.lower() or "payrol" in t.lower() for t in a) >= 45


def test_the_segment_view_takes_the_segment_whose_best_occupation_scores_highest() -> None:
    from stint_engine.text.titles import pick_segments

    scored = np.array(
        [[0.5, 0.1], [0.2, 0.3], [0.9, 0.0]],  # full view, segment "retail", segment "clerk"
        dtype=np.float32,
    )
    mixed = pick_segments(scored, [0], [[1, 2]], head=0.5)
    assert np.allclose(mixed, [[0.7, 0.05]])
    assert np.allclose(pick_segments(scored, [0], [[1, 2]], head=0.0), scored[[0]])


def test_segment_weights_reach_the_score(tx: Taxonomy) -> None:
    title = "Retail - Store Clerk"
    with_segments = title_scores([title], tx, TitleWeights(0.2, 0.4, 0.5))
    without = title_scores([title], tx, TitleWeights(0.2, 0.4, 0.0))
    assert not np.allclose(with_segments, without)
