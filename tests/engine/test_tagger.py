"""The fine-tuned span tagger (text/tagger.py) and its place in extraction."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import tagger as tg
from stint_engine.text.extract import Extractor, tokenise


def test_a_tagger_file_with_another_checksum_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tagger.npz"
    np.savez(path, **{"head.weight": np.zeros((6, 384)), "head.bias": np.zeros(6)})
    with pytest.raises(tg.TaggerUnavailable, match="SHA-256"):
        tg.TokenTagger(path)


def test_a_missing_tagger_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(tg.TaggerUnavailable, match="No tagger file"):
        tg.load_overrides(tmp_path / "absent.npz")


@pytest.mark.parametrize("seed", range(20))
def test_decoding_never_produces_an_i_without_a_b(seed: int) -> None:
    rng = np.random.default_rng(seed)
    scores = np.log(rng.dirichlet([1.0, 1.0, 3.0], size=12))  # I is the likeliest tag alone
    tags = tg.viterbi_bio(scores)
    assert len(tags) == 12
    for i, t in enumerate(tags):
        if t == 2:
            assert i > 0 and tags[i - 1] in (1, 2), tags


def test_decoding_follows_the_scores_when_they_are_valid() -> None:
    p = {"O": [0.8, 0.1, 0.1], "B": [0.1, 0.8, 0.1], "I": [0.1, 0.1, 0.8]}
    scores = np.log(np.array([p[t] for t in "OBIIOB"]))
    assert tg.viterbi_bio(scores) == [0, 1, 2, 2, 0, 1]


def test_long_sentences_are_cut_into_windows_that_cover_every_word() -> None:
    lengths = [7] * 300
    windows = list(tg.word_chunks(lengths))
    assert windows[0][0] == 0 and windows[-1][1] == 300
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))
    assert all(sum(1 + n // 4 for n in lengths[lo:hi]) <= tg.WINDOW_PIECES for lo, hi in windows)


def test_extraction_falls_back_to_the_crf_without_the_tagger_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tg, "TAGGER_PATH", tmp_path / "absent.npz")
    monkeypatch.setattr(tg, "_tagger", None)
    monkeypatch.setattr(tg, "_failed", False)
    ex = Extractor(Taxonomy.load(), fine_tuned=True)
    assert ex.token_tagger is None
    found = ex.extract("Experience with Python and SQL is required.")
    assert {m.label for m in found} & {"Python (computer programming)", "SQL"}


needs_tagger = pytest.mark.skipif(
    not tg.TAGGER_PATH.exists(), reason="the tagger file is not built (train_token_tagger)"
)


@needs_tagger
def test_the_shipped_tagger_finds_the_skill_spans_of_plain_sentences() -> None:
    tagger = tg.token_tagger()
    assert tagger is not None
    sentences = [
        "You have experience with Python and SQL .",
        "Strong communication skills and the ability to work independently are a must .",
    ]
    found = []
    for text, spans in zip(
        sentences,
        tagger.tag([(s, [(a, b) for _, a, b in tokenise(s)]) for s in sentences]),
        strict=True,
    ):
        toks = tokenise(text)
        found.append({text[toks[a][1] : toks[b - 1][2]] for a, b, _, _ in spans})
    assert {"Python", "SQL"} <= found[0]
    assert "communication" in " ".join(found[1]) and "work independently" in " ".join(found[1])


def test_extraction_keeps_the_crf_unless_the_tagger_is_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STINT_SPAN_TAGGER", raising=False)
    assert not tg.enabled_by_default()
    assert Extractor(Taxonomy.load()).token_tagger is None
    monkeypatch.setenv("STINT_SPAN_TAGGER", "fine-tuned")
    assert tg.enabled_by_default()


@needs_tagger
def test_extraction_uses_the_tagger_when_asked_for() -> None:
    ex = Extractor(Taxonomy.load(), fine_tuned=True)
    assert ex.token_tagger is not None
    text = "We need someone with Python, Tableau and project management experience."
    labels = {m.label for m in ex.extract(text)}
    assert "Python (computer programming)" in labels
    for m in ex.extract(text):
        assert text[m.start : m.end].strip() == text[m.start : m.end]
