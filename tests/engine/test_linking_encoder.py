"""The fine-tuned encoder for skill linking and titles (scripts/train_encoder.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import encoder as enc
from stint_engine.text import semantic

shipped = pytest.mark.skipif(
    not enc.LINKING_FILE.exists(), reason="no fine-tuned encoder ships in this tree"
)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


@shipped
def test_the_shipped_file_is_the_checked_in_one() -> None:
    enc.verify_linking()
    overrides = enc.load_linking_overrides()
    # only transformer layers change: the word embeddings (and tokenizer) stay the package's
    assert overrides and all(name.startswith("encoder.layer.") for name in overrides)
    assert all(v.dtype == np.float32 for v in overrides.values())


def test_a_changed_fine_tuned_file_is_refused(tmp_path: Path) -> None:
    changed = tmp_path / "linking.safetensors"
    if enc.LINKING_FILE.exists():
        shutil.copy(enc.LINKING_FILE, changed)
        data = bytearray(changed.read_bytes())
        data[-1] ^= 0xFF
        changed.write_bytes(bytes(data))
    else:
        changed.write_bytes(b"weights from somewhere else")
    with pytest.raises(enc.EncoderUnavailable, match="SHA-256"):
        enc.load_linking_overrides(changed)
    with pytest.raises(enc.EncoderUnavailable, match="SHA-256"):
        enc.verify_linking(changed)


@shipped
def test_the_linking_encoder_is_not_the_base_one() -> None:
    base, tuned = enc.get_encoder(), enc.get_linking_encoder()
    assert base is not tuned
    texts = ["bookkeeping", "number crunching"]
    assert np.abs(base.encode(texts) - tuned.encode(texts)).max() > 1e-3
    # the lower layers were frozen in training; the upper ones changed
    assert np.array_equal(base.layers[0].qkv_w, tuned.layers[0].qkv_w)
    assert not np.array_equal(base.layers[-1].qkv_w, tuned.layers[-1].qkv_w)


@shipped
def test_token_level_features_keep_the_base_encoder() -> None:
    """The CRF's contextual word classes were clustered on the base model's states."""
    from stint_engine.text.context import TokenClasses

    classes = TokenClasses()
    assert np.array_equal(classes.encoder.layers[-1].qkv_w, enc.get_encoder().layers[-1].qkv_w)
    tuned = enc.get_linking_encoder()
    assert not np.array_equal(classes.encoder.layers[-1].qkv_w, tuned.layers[-1].qkv_w)


def _semantic_rank(taxonomy: Taxonomy, query: str, label: str) -> int:
    """Rank of the skill labelled ``label`` by the encoder alone (no lexical share)."""
    from stint_engine.text.link import linking_index

    index = linking_index(taxonomy)
    scores = index.semantic_scores([query])[0]
    [target] = [i for i, sid in enumerate(index.ids) if taxonomy.skills[sid].label == label]
    return int((scores > scores[target]).sum()) + 1


@shipped
def test_a_paraphrase_finds_its_concept_by_meaning(taxonomy: Taxonomy) -> None:
    # neither phrase shares a word with the concept it means
    assert _semantic_rank(taxonomy, "number crunching", "carry out calculations") <= 5
    assert _semantic_rank(taxonomy, "cold calling", "telemarketing") <= 3


def test_vectors_of_other_weights_are_refused(taxonomy: Taxonomy, tmp_path: Path) -> None:
    stale = tmp_path / "label_vectors.npz"
    owners, texts = semantic.skill_surfaces(taxonomy)
    # right labels, but made with other weights: the package's before fine-tuning
    other = next(h for h in (enc.WEIGHTS_SHA256, "0" * 64) if h != enc.linking_weights_sha256())
    np.savez(
        stale,
        weights_sha256=np.array(other),
        skill_digest=np.array(semantic.digest(owners, texts)),
    )
    fresh_cache: dict[tuple[int, str], semantic.LabelVectors] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(semantic, "_loaded", fresh_cache)
        with pytest.raises(enc.EncoderUnavailable, match="other weights"):
            semantic.load("skill", taxonomy, stale)
