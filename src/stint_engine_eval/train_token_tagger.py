"""Fine-tune all-MiniLM-L6-v2 as a SkillSpan token classifier (training only: torch).

    python -m stint_engine_eval.train_token_tagger --epochs 5 --tune 3 --lr 1e-4 --stop-after 2

(the shipped file: the learning-rate schedule spans five epochs; the run was
stopped after the second for time on a shared 2-core machine, about 10 minutes
an epoch there.)

Trains on SkillSpan *train* (house + tech) only. A fixed 10 % of the train
sentences (seed 13) is held out to choose the epoch; the dev files are never
read here. The word embeddings stay frozen (the shipped file then carries only
the six transformer layers and the head); each layer's matrices ship as int8
with a scale per row (``data/tagger/tagger.npz``), and ``text/tagger.py`` runs
them in numpy with the package's embeddings. Its SHA-256 is printed: put it in
``text/tagger.py`` (``TAGGER_SHA256``).

Two heads of three tags (O, B, I) tag the skill and the knowledge layer
independently, since SkillSpan lets the two overlap.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from stint_engine.text.conll import Sentence, bio_spans, read_conll
from stint_engine.text.encoder import DIM, model_dir, read_safetensors
from stint_engine.text.tagger import (
    LAYERS,
    TAGGER_PATH,
    TAGS,
    viterbi_bio,
    word_chunks,
)
from stint_engine_eval.shared_data import shared_data

SEED = 13


def _tag_ids(tags: tuple[str, ...]) -> list[int]:
    return [TAGS.index(t[0]) if t[0] in "BI" else 0 for t in tags]


def _has_span(s: Sentence) -> bool:
    return any(t != "O" for t in (*s.skill_tags, *s.knowledge_tags))


def encode_sentences(tokenizer: Any, sentences: list[Sentence]) -> list[dict[str, Any]]:
    """Word-piece ids and, per piece, the gold tag of each layer on a word's first
    piece (-100 elsewhere, ignored by the loss), cut into windows of words."""
    out = []
    for s in sentences:
        for lo, hi in word_chunks([len(t) for t in s.tokens]):
            words = s.tokens[lo:hi]
            text = " ".join(words)
            starts, pos = [], 0
            for w in words:
                starts.append(pos)
                pos += len(w) + 1
            e = tokenizer.encode(text)
            first: dict[int, int] = {}
            for k, (a, _b) in enumerate(e.offsets):
                if e.special_tokens_mask[k]:
                    continue
                first.setdefault(a, k)
            labels = np.full((len(e.ids), len(LAYERS)), -100, dtype=np.int64)
            word_piece = []
            for i, a in enumerate(starts):
                piece = first.get(a)
                word_piece.append(piece if piece is not None else -1)
                if piece is not None:
                    labels[piece, 0] = _tag_ids(s.skill_tags[lo:hi])[i]
                    labels[piece, 1] = _tag_ids(s.knowledge_tags[lo:hi])[i]
            out.append(
                {
                    "ids": np.array(e.ids, dtype=np.int64),
                    "labels": labels,
                    "word_piece": word_piece,
                    "gold": [
                        bio_spans(s.skill_tags[lo:hi]),
                        bio_spans(s.knowledge_tags[lo:hi]),
                    ],
                }
            )
    return out


def build_model(torch: Any, weights: dict[str, Any], first_tuned: int) -> Any:
    nn = torch.nn
    F = torch.nn.functional

    class Layer(nn.Module):  # type: ignore[name-defined]  # torch is optional (train extra)
        def __init__(self) -> None:
            super().__init__()
            self.q = nn.Linear(DIM, DIM)
            self.k = nn.Linear(DIM, DIM)
            self.v = nn.Linear(DIM, DIM)
            self.o = nn.Linear(DIM, DIM)
            self.ln1 = nn.LayerNorm(DIM, eps=1e-12)
            self.up = nn.Linear(DIM, 4 * DIM)
            self.down = nn.Linear(4 * DIM, DIM)
            self.ln2 = nn.LayerNorm(DIM, eps=1e-12)
            self.drop = nn.Dropout(0.1)

        def forward(self, x: Any, bias: Any) -> Any:
            n, t, d = x.shape
            h = 12

            def split(y: Any) -> Any:
                return y.view(n, t, h, d // h).transpose(1, 2)

            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            att = (q @ k.transpose(-1, -2)) / math.sqrt(d // h) + bias
            att = self.drop(att.softmax(-1))
            ctx = (att @ v).transpose(1, 2).reshape(n, t, d)
            x = self.ln1(x + self.drop(self.o(ctx)))
            return self.ln2(x + self.drop(self.down(F.gelu(self.up(x)))))

    class Tagger(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding.from_pretrained(
                torch.tensor(np.array(weights["embeddings.word_embeddings.weight"]))
            )
            self.position = nn.Embedding.from_pretrained(
                torch.tensor(np.array(weights["embeddings.position_embeddings.weight"]))
            )
            self.token_type = nn.Parameter(
                torch.tensor(np.array(weights["embeddings.token_type_embeddings.weight"][0])),
                requires_grad=False,
            )
            self.ln = nn.LayerNorm(DIM, eps=1e-12)
            self.ln.weight.data = torch.tensor(np.array(weights["embeddings.LayerNorm.weight"]))
            self.ln.bias.data = torch.tensor(np.array(weights["embeddings.LayerNorm.bias"]))
            for p in self.ln.parameters():
                p.requires_grad = False
            self.layers = nn.ModuleList(Layer() for _ in range(6))
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(DIM, len(LAYERS) * len(TAGS))

        def bottom(self, ids: Any, mask: Any) -> Any:
            """The frozen lower layers' output (computed once, without dropout)."""
            t = ids.shape[1]
            x = self.ln(self.word(ids) + self.position.weight[:t][None] + self.token_type)
            bias = ((1.0 - mask) * -1e9)[:, None, None, :]
            for layer in self.layers[:first_tuned]:
                x = layer(x, bias)
            return x

        def forward(self, x: Any, mask: Any) -> Any:
            """Tuned top layers and the head over the cached lower layers' output."""
            bias = ((1.0 - mask) * -1e9)[:, None, None, :]
            for layer in self.layers[first_tuned:]:
                x = layer(x, bias)
            n, t = x.shape[:2]
            return self.head(self.drop(x)).view(n, t, len(LAYERS), len(TAGS))

    model = Tagger()
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "o": "attention.output.dense",
        "ln1": "attention.output.LayerNorm",
        "up": "intermediate.dense",
        "down": "output.dense",
        "ln2": "output.LayerNorm",
    }
    for i, layer in enumerate(model.layers):
        for attr, name in names.items():
            mod = getattr(layer, attr)
            mod.weight.data = torch.tensor(np.array(weights[f"encoder.layer.{i}.{name}.weight"]))
            mod.bias.data = torch.tensor(np.array(weights[f"encoder.layer.{i}.{name}.bias"]))
            if i < first_tuned:
                for p in mod.parameters():
                    p.requires_grad = False
    return model, names


def batches(items: list[dict[str, Any]], size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar lengths (less padding), in random order."""
    order = sorted(range(len(items)), key=lambda i: (len(items[i]["ids"]), rng.random()))
    out = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def cache_bottom(torch: Any, model: Any, items: list[dict[str, Any]]) -> None:
    """Store each window's frozen lower-layer output (float16) as item["h"]."""
    order = sorted(range(len(items)), key=lambda i: len(items[i]["ids"]))
    with torch.no_grad():
        for lo in range(0, len(order), 64):
            chunk = [items[i] for i in order[lo : lo + 64]]
            width = max(len(it["ids"]) for it in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for r, it in enumerate(chunk):
                ids[r, : len(it["ids"])] = it["ids"]
                mask[r, : len(it["ids"])] = 1.0
            h = model.bottom(torch.tensor(ids), torch.tensor(mask)).numpy()
            for r, it in enumerate(chunk):
                it["h"] = h[r, : len(it["ids"])].astype(np.float16)


def collate(torch: Any, items: list[dict[str, Any]]) -> tuple[Any, Any, Any]:
    width = max(len(it["ids"]) for it in items)
    h = np.zeros((len(items), width, DIM), dtype=np.float32)
    mask = np.zeros((len(items), width), dtype=np.float32)
    labels = np.full((len(items), width, len(LAYERS)), -100, dtype=np.int64)
    for r, it in enumerate(items):
        n = len(it["ids"])
        h[r, :n] = it["h"]
        mask[r, :n] = 1.0
        labels[r, :n] = it["labels"]
    return torch.tensor(h), torch.tensor(mask), torch.tensor(labels)


def evaluate(torch: Any, model: Any, items: list[dict[str, Any]]) -> dict[str, float]:
    """Strict span F1 (both layers as one set, as `eval extraction` scores "overall")
    on the held-out train sentences, decoded as at run time."""
    model.eval()
    tp = n_pred = n_gold = 0
    with torch.no_grad():
        for lo in range(0, len(items), 64):
            chunk = items[lo : lo + 64]
            ids, mask, _ = collate(torch, chunk)
            logp = model(ids, mask).log_softmax(-1).numpy()
            for r, it in enumerate(chunk):
                pred: set[tuple[int, int, int]] = set()
                gold: set[tuple[int, int, int]] = set()
                rows = list(it["word_piece"])
                for layer in range(len(LAYERS)):
                    scores = np.stack(
                        [logp[r, k, layer] if k >= 0 else np.array([0.0, -9.0, -9.0]) for k in rows]
                    )
                    tags = viterbi_bio(scores)
                    pred |= {(a, b, 0) for a, b in bio_spans(["OBI"[t] for t in tags])}
                    gold |= {(a, b, 0) for a, b in it["gold"][layer]}
                tp += len(pred & gold)
                n_pred += len(pred)
                n_gold += len(gold)
    model.train()
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def export(model: Any, names: dict[str, str], first_tuned: int, path: Path) -> str:
    """The tuned layers: int8 matrices with a float32 scale per output row, vectors
    in float16; the head in float32."""
    arrays: dict[str, np.ndarray] = {}
    for i, layer in enumerate(model.layers):
        if i < first_tuned:
            continue
        for attr, name in names.items():
            mod = getattr(layer, attr)
            key = f"encoder.layer.{i}.{name}"
            w = mod.weight.detach().numpy().astype(np.float32)
            if w.ndim == 2:
                scale = np.maximum(np.abs(w).max(1), 1e-12) / 127.0
                arrays[key + ".weight.q"] = np.round(w / scale[:, None]).astype(np.int8)
                arrays[key + ".weight.scale"] = scale.astype(np.float32)
            else:
                arrays[key + ".weight"] = w.astype(np.float16)
            arrays[key + ".bias"] = mod.bias.detach().numpy().astype(np.float16)
    arrays["head.weight"] = model.head.weight.detach().numpy().astype(np.float32)
    arrays["head.bias"] = model.head.bias.detach().numpy().astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--tune", type=int, default=3, help="top layers fine-tuned")
    ap.add_argument(
        "--stop-after", type=int, default=None, help="stop after this epoch (schedule unchanged)"
    )
    ap.add_argument("--limit", type=int, default=None, help="train sentences (a timing run)")
    ap.add_argument("--data", type=Path, default=shared_data("skillspan"))
    ap.add_argument("--out", type=Path, default=TAGGER_PATH)
    args = ap.parse_args(argv)

    import torch
    from tokenizers import Tokenizer

    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    rng = random.Random(SEED)
    sentences = []
    for name in ("house", "tech"):
        sentences += read_conll(args.data / f"skillspan_{name}_train.conll")
    rng.shuffle(sentences)
    n_held = len(sentences) // 10
    held, train = sentences[:n_held], sentences[n_held:]
    # keep every sentence with a span and half of those without: a third less
    # compute on 2 shared cores, and the tagger sees spans more often
    train = [s for s in train if _has_span(s) or rng.random() < 0.5]
    if args.limit:
        train = train[: args.limit]
    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()  # the package's tokenizer.json pads to 128 pieces
    train_items = encode_sentences(tokenizer, train)
    held_items = encode_sentences(tokenizer, held)
    print(
        f"train {len(train)} sentences ({len(train_items)} windows), held out {len(held)}",
        file=sys.stderr,
    )
    weights = read_safetensors(model_dir() / "model.safetensors")
    first_tuned = 6 - args.tune
    model, names = build_model(torch, weights, first_tuned)
    started = time.perf_counter()
    cache_bottom(torch, model, train_items)
    cache_bottom(torch, model, held_items)
    print(f"lower layers cached in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    head = [p for n, p in model.named_parameters() if n.startswith("head")]
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head")]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": 1e-3}], weight_decay=0.01
    )
    steps = args.epochs * math.ceil(len(train_items) / args.batch)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm))
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    best = (-1.0, 0)
    model.train()
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        total = 0.0
        plan = batches(train_items, args.batch, rng)
        for n, b in enumerate(plan, 1):
            ids, mask, labels = collate(torch, [train_items[i] for i in b])
            logits = model(ids, mask)
            loss = loss_fn(logits.reshape(-1, len(TAGS)), labels.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
            if n % 50 == 0:
                print(
                    f"epoch {epoch} batch {n}/{len(plan)} loss {total / n:.4f} "
                    f"{time.perf_counter() - started:.0f}s",
                    file=sys.stderr,
                    flush=True,
                )
        score = evaluate(torch, model, held_items)
        print(
            f"epoch {epoch}: loss {total / len(plan):.4f}, held-out train F1 {score['f1']:.4f} "
            f"(P {score['precision']:.4f} R {score['recall']:.4f}), "
            f"{time.perf_counter() - started:.0f}s",
            file=sys.stderr,
            flush=True,
        )
        if score["f1"] > best[0]:
            best = (score["f1"], epoch)
            digest = export(model, names, first_tuned, args.out)
            print(f"wrote {args.out} (SHA-256 {digest})", file=sys.stderr, flush=True)
        if args.stop_after is not None and epoch >= args.stop_after:
            break
    print(f"best epoch {best[1]} held-out F1 {best[0]:.4f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
