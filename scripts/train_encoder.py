"""Fine-tune the sentence encoder for skill linking and title normalisation.

Contrastive training (in-batch negatives, symmetric MultipleNegativesRanking loss)
of all-MiniLM-L6-v2 on pairs built from ESCO and O*NET only, never from an
evaluation file:
- skill alternative label <-> preferred label, alternative <-> alternative,
  label <-> first sentence of the description;
- occupation alternative label (these are job titles) <-> preferred label and
  <-> first sentence of the description;
- O*NET tool example <-> the ESCO skill it is mapped to in the taxonomy.

About 5% of ESCO concepts are held out of every pair and form the model-selection
task (a hidden alternative label must find its concept among all preferred
labels, as in scripts/choose_fusion.py); its MRR is printed before and after.
The word embeddings and the lower layers stay frozen, so only the upper transformer
layers change; those tensors are shipped as int8 with a scale per row in
``src/stint_engine/data/encoder/linking.safetensors`` and used through
``stint_engine.text.encoder.get_linking_encoder()`` (numpy at run time). The
held-out figures "after" are computed with the quantised tensors, i.e. what ships.

Needs torch (the ``train`` extra); what shipped was made with the defaults:
    .venv/bin/python scripts/train_encoder.py --out /tmp/linking.safetensors
    for k in 0 1 2; do .venv/bin/python scripts/train_encoder.py --vectors-only \
        --out /tmp/linking.safetensors --vectors-dir /tmp/vec --shard $k/3 & done; wait
    .venv/bin/python scripts/train_encoder.py --vectors-only \
        --out /tmp/linking.safetensors --vectors-dir /tmp/vec --shard join/3
(or ``--vectors`` in one process) rebuilds label_vectors.npz and
occupation_descriptions.npz with the shipped weights (torch computes them; a sample
is checked against the numpy encoder within 1e-3). Then copy the three files into
src/stint_engine/data/ (``encoder/linking.safetensors``) together and put the printed
SHA-256 into ``encoder.LINKING_SHA256``: until all three agree, linking is lexical.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import random
import struct
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import encoder as enc
from stint_engine.text import semantic

SEED = semantic.TRAINING_SEED
HEADS = 12


# --- a BERT forward pass in torch over the package's tensor names ---------------


def load_base() -> dict[str, torch.Tensor]:
    tensors = enc.read_safetensors(enc.model_dir() / "model.safetensors")
    return {k: torch.tensor(np.asarray(v, dtype=np.float32)) for k, v in tensors.items()}


def hidden(p: dict[str, torch.Tensor], ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    n, length = ids.shape
    x = (
        p["embeddings.word_embeddings.weight"][ids]
        + p["embeddings.position_embeddings.weight"][:length][None]
        + p["embeddings.token_type_embeddings.weight"][0]
    )
    x = F.layer_norm(
        x, (enc.DIM,), p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], 1e-12
    )
    bias = ((1.0 - mask) * -1e9)[:, None, None, :]
    dh = enc.DIM // HEADS
    i = 0
    while f"encoder.layer.{i}.attention.self.query.weight" in p:
        pre = f"encoder.layer.{i}."

        def lin(t: torch.Tensor, name: str, pre: str = pre) -> torch.Tensor:
            return F.linear(t, p[pre + name + ".weight"], p[pre + name + ".bias"])

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(n, length, HEADS, dh).transpose(1, 2)

        q = split(lin(x, "attention.self.query"))
        k = split(lin(x, "attention.self.key"))
        v = split(lin(x, "attention.self.value"))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + bias, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(n, length, enc.DIM)
        x = F.layer_norm(
            lin(ctx, "attention.output.dense") + x,
            (enc.DIM,),
            p[pre + "attention.output.LayerNorm.weight"],
            p[pre + "attention.output.LayerNorm.bias"],
            1e-12,
        )
        up = F.gelu(lin(x, "intermediate.dense"))
        x = F.layer_norm(
            lin(up, "output.dense") + x,
            (enc.DIM,),
            p[pre + "output.LayerNorm.weight"],
            p[pre + "output.LayerNorm.bias"],
            1e-12,
        )
        i += 1
    return x


def pooled(p: dict[str, torch.Tensor], ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    x = hidden(p, ids, mask)
    v = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
    return F.normalize(v, dim=-1)


class Batcher:
    """Word-piece ids for texts, padded per batch; max_len cuts training pairs short."""

    def __init__(self, max_len: int) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(enc.model_dir() / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_len)

    def __call__(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        rows = [e.ids for e in self.tokenizer.encode_batch([t or " " for t in texts])]
        width = max(len(r) for r in rows)
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.float32)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1.0
        return ids, mask


class TorchEncoder:
    """encode() like stint_engine's Encoder, computed by torch (for building vectors)."""

    def __init__(self, p: dict[str, torch.Tensor]) -> None:
        self.p = p
        self.batcher = Batcher(enc.MAX_TOKENS)

    @torch.no_grad()
    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        out = np.zeros((len(texts), enc.DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for lo in range(0, len(order), batch_size):
            chunk = order[lo : lo + batch_size]
            ids, mask = self.batcher([texts[i] for i in chunk])
            out[chunk] = pooled(self.p, ids, mask).numpy()
            if progress is not None:
                progress(len(chunk))
        return out


# --- pairs from ESCO and O*NET ----------------------------------------------------


def first_sentence(text: str) -> str:
    text = " ".join((text or "").split())
    end = text.find(". ")
    return text[: end + 1] if 0 < end < 300 else text[:300]


def build_pairs(tx: Taxonomy, held: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """(concept, text a, text b) per pair type; the concept keeps a batch free of
    two pairs of one concept (they would be each other's false negatives)."""
    pairs: dict[str, list[tuple[str, str, str]]] = {
        "skill alt-pref": [],
        "skill alt-alt": [],
        "skill label-description": [],
        "title-occupation": [],
        "title-description": [],
        "tool-skill": [],
    }
    rng = random.Random(SEED)
    for sid in sorted(tx.skills):
        s = tx.skills[sid]
        if s.kind == "tool":
            targets = [t for t in s.broader if t in tx.skills and t not in held]
            for t in targets[:1]:
                pairs["tool-skill"].append((t, s.label, tx.skills[t].label))
            continue
        if sid in held:
            continue
        alts = [a for a in s.alt_labels if a.strip().lower() != s.label.lower()]
        for a in alts:
            pairs["skill alt-pref"].append((sid, a, s.label))
        for a, b in itertools.pairwise(alts):
            pairs["skill alt-alt"].append((sid, a, b))
        desc = first_sentence(tx.descriptions.get(sid, ""))
        if desc:
            pairs["skill label-description"].append((sid, rng.choice([s.label, *alts]), desc))
    for oid in sorted(tx.occupations):
        if oid in held:
            continue
        o = tx.occupations[oid]
        desc = first_sentence(o.description)
        for a in o.alt_labels:
            if a.strip().lower() != o.label.lower():
                pairs["title-occupation"].append((oid, a, o.label))
        if desc:
            for t in [o.label, *o.alt_labels[:3]]:
                pairs["title-description"].append((oid, t, desc))
    return pairs


MIX = {
    "skill alt-pref": 0.30,
    "skill alt-alt": 0.12,
    "skill label-description": 0.13,
    "title-occupation": 0.22,
    "title-description": 0.10,
    "tool-skill": 0.13,
}


def batches(pairs: dict[str, list[tuple[str, str, str]]], size: int, rng: random.Random) -> Any:
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    while True:
        seen: set[str] = set()
        batch: list[tuple[str, str]] = []
        while len(batch) < size:
            kind = rng.choices(kinds, weights)[0]
            concept, a, b = rng.choice(pairs[kind])
            if concept in seen:
                continue
            seen.add(concept)
            batch.append((a, b) if rng.random() < 0.5 else (b, a))
        yield batch


# --- the held-out selection task ----------------------------------------------------


def held_out_task(
    tx: Taxonomy, held: set[str], distractors: int = 3000
) -> dict[str, tuple[list[str], list[str], list[int]]]:
    """Per kind: (index texts = the preferred labels of the held-out concepts and of
    up to ``distractors`` other concepts, queries = one alternative label of each
    held-out concept, gold row of each query). A sample of distractors keeps the
    task cheap enough to run before and after training on a shared 2-core machine."""
    rng = random.Random(SEED + 1)
    out = {}
    kinds = {
        "skill": sorted((s, c) for s, c in tx.skills.items() if c.kind != "tool"),
        "occupation": sorted(tx.occupations.items()),
    }
    for kind, concepts in kinds.items():
        others = [cid for cid, _ in concepts if cid not in held]
        keep = held | set(rng.sample(others, min(distractors, len(others))))
        concepts = [(cid, c) for cid, c in concepts if cid in keep]
        labels = [c.label for _, c in concepts]
        queries, gold = [], []
        for row, (cid, c) in enumerate(concepts):
            alts = [a for a in c.alt_labels if a.strip().lower() != c.label.lower()]
            if cid in held and alts:
                queries.append(rng.choice(alts))
                gold.append(row)
        out[kind] = (labels, queries, gold)
    return out


def evaluate(model: TorchEncoder, task: dict[str, Any]) -> dict[str, dict[str, float]]:
    result = {}
    for kind, (labels, queries, gold) in task.items():
        index = model.encode(labels, batch_size=256)
        q = model.encode(queries, batch_size=256)
        sims = q @ index.T
        g = np.array(gold)
        ranks = (sims > sims[np.arange(len(g)), g][:, None]).sum(1) + 1
        result[kind] = {
            "n": len(g),
            "mrr": round(float(np.mean(1 / ranks)), 4),
            "accuracy_at_5": round(float(np.mean(ranks <= 5)), 4),
        }
    return result


# --- shipping the changed tensors ------------------------------------------------------


def quantise_rows(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(t).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    return np.clip(np.rint(t / scale[:, None]), -127, 127).astype(np.int8), scale


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    kinds = {np.dtype(np.int8): "I8", np.dtype(np.float32): "F32"}
    header: dict[str, Any] = {"__metadata__": {"base": enc.MODEL_NAME, "by": "train_encoder.py"}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        raw = a.tobytes()
        header[name] = {
            "dtype": kinds[a.dtype],
            "shape": list(a.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(head)))
        fh.write(head)
        for raw in blobs:
            fh.write(raw)


def export(p: dict[str, torch.Tensor], names: list[str], path: Path) -> None:
    out: dict[str, np.ndarray] = {}
    for name in names:
        a = p[name].detach().numpy().astype(np.float32)
        if a.ndim == 2:
            q, scale = quantise_rows(a)
            out[name] = q
            out[name + enc.SCALE_SUFFIX] = scale
        else:
            out[name] = a
    write_safetensors(path, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-len", type=int, default=24)
    parser.add_argument("--freeze-below", type=int, default=3, help="layers under this stay")
    parser.add_argument("--scale", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=1)  # shared cores: 2 threads spin
    parser.add_argument("--out", type=Path, default=enc.LINKING_FILE)
    parser.add_argument("--skip-before", action="store_true", help="base figures known")
    parser.add_argument("--vectors", action="store_true")
    parser.add_argument("--vectors-only", action="store_true", help="from the --out file")
    parser.add_argument(
        "--shard",
        type=str,
        default=None,
        help="K/N: encode only every N-th text from the K-th into --vectors-dir (processes "
        "in parallel on a shared machine); 'join/N' then writes the vector files",
    )
    parser.add_argument(
        "--vectors-dir",
        type=Path,
        default=semantic.DATA.parent,
        help="where the vector files go (elsewhere to swap them in with the weights at once)",
    )
    args = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    rng = random.Random(SEED)
    tx = Taxonomy.load()
    held = semantic.held_out_concepts(tx)
    task = held_out_task(tx, held)
    base = load_base()

    if not args.vectors_only:
        pairs = build_pairs(tx, held)
        print(json.dumps({k: len(v) for k, v in pairs.items()}), file=sys.stderr)
        if not args.skip_before:
            before = evaluate(TorchEncoder(base), task)
            print("held-out before:", json.dumps(before), flush=True)
        p = dict(base)
        trainable = [
            name
            for name in p
            if name.startswith("encoder.layer.") and int(name.split(".")[2]) >= args.freeze_below
        ]
        for name in trainable:
            p[name] = p[name].clone().requires_grad_(True)
        params = [p[n] for n in trainable]
        optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
        warmup = max(1, args.steps // 10)

        def schedule(step: int) -> float:
            return min(1.0, (step + 1) / warmup) * max(0.0, (args.steps - step) / args.steps)

        lr_sched = torch.optim.lr_scheduler.LambdaLR(optimiser, schedule)
        batcher = Batcher(args.max_len)
        start, running = time.perf_counter(), 0.0
        stream = batches(pairs, args.batch, rng)
        labels = torch.arange(args.batch)
        for step in range(args.steps):
            batch = next(stream)
            ids, mask = batcher([a for a, _ in batch] + [b for _, b in batch])
            v = pooled(p, ids, mask)
            a, b = v[: args.batch], v[args.batch :]
            logits = a @ b.T * args.scale
            loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            lr_sched.step()
            running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
            if step % 25 == 0 or step == args.steps - 1:
                took = time.perf_counter() - start
                print(f"step {step + 1}/{args.steps} loss {running:.3f} ({took:.0f} s)", flush=True)
        export(p, trainable, args.out)
    overrides = enc.read_linking_overrides(args.out)
    shipped = {**base, **{k: torch.tensor(v) for k, v in overrides.items()}}
    if not args.vectors_only:
        after = evaluate(TorchEncoder(shipped), task)
        print("held-out after (shipped, quantised):", json.dumps(after), flush=True)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) sha256 {digest}")
    if args.shard:
        which, count = args.shard.split("/")
        texts = all_texts(tx)
        if which != "join":
            k, n = int(which), int(count)
            vectors = TorchEncoder(shipped).encode(texts[k::n], batch_size=128)
            np.save(args.vectors_dir / f"shard_{k}_of_{n}.npy", vectors)
            return
        n = int(count)
        rows = np.zeros((len(texts), enc.DIM), dtype=np.float32)
        for k in range(n):
            rows[k::n] = np.load(args.vectors_dir / f"shard_{k}_of_{n}.npy")
        build_vectors(tx, Precomputed(texts, rows), overrides, digest, args.vectors_dir)
    elif args.vectors or args.vectors_only:
        build_vectors(tx, TorchEncoder(shipped), overrides, digest, args.vectors_dir)


def all_texts(tx: Taxonomy) -> list[str]:
    """Every text the vector files hold, in a fixed order."""
    _, skills = semantic.skill_surfaces(tx)
    _, occupations = semantic.occupation_surfaces(tx)
    descriptions = [semantic.description_text(tx.occupations[o]) for o in sorted(tx.occupations)]
    return [*skills, *occupations, *descriptions]


class Precomputed:
    """encode() answered from vectors computed by shards."""

    def __init__(self, texts: Sequence[str], rows: np.ndarray) -> None:
        self.rows = dict(zip(texts, rows, strict=True))

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        if progress is not None:
            progress(len(texts))
        return np.stack([self.rows[t] for t in texts]).astype(np.float32)


def build_vectors(
    tx: Taxonomy,
    model: TorchEncoder | Precomputed,
    overrides: dict[str, np.ndarray],
    digest: str,
    directory: Path,
) -> None:
    """The label and description vectors with the shipped weights, checked on a
    sample against the numpy encoder that will encode queries."""
    numpy_model = enc.Encoder(overrides=overrides)
    _, texts = semantic.skill_surfaces(tx)
    sample = [texts[i] for i in random.Random(SEED).sample(range(len(texts)), 200)]
    gap = float(np.abs(model.encode(sample) - numpy_model.encode(sample)).max())
    print(f"torch vs numpy on 200 labels: max difference {gap:.2e}")
    if gap > 1e-3:
        raise SystemExit("torch and numpy disagree: not writing vectors")
    start = time.perf_counter()
    last = [0.0]

    def progress(kind: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10 or done == total:
            last[0] = now
            print(f"{kind}: {done:,}/{total:,} ({now - start:.0f} s)", flush=True)

    labels = directory / semantic.DATA.name
    descriptions = directory / semantic.DESCRIPTIONS.name
    semantic.build(tx, model, labels, progress=progress, weights_sha256=digest)  # type: ignore[arg-type]
    semantic.build_descriptions(tx, model, descriptions, weights_sha256=digest)  # type: ignore[arg-type]
    print(f"wrote {labels} and {descriptions}")


if __name__ == "__main__":
    main()
