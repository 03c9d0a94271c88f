"""Encode every ESCO skill and occupation label once: src/stint_engine/data/label_vectors.npz,
and each occupation's description: data/occupation_descriptions.npz.

Run after the taxonomy or the encoder changes:
    .venv/bin/python scripts/build_label_vectors.py [--descriptions-only]
Deterministic for a given taxonomy and weights (the file records both). The weights
are the linking encoder's: the package's plus the fine-tuned layers when
data/encoder/linking.safetensors ships. In numpy this takes 10-30 minutes;
``scripts/train_encoder.py --vectors-only`` computes the same vectors with torch.
"""

from __future__ import annotations

import sys
import time

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import encoder, semantic


def main() -> None:
    start = time.perf_counter()
    tx = Taxonomy.load()
    model = encoder.get_linking_encoder()
    last = [0.0]

    def progress(kind: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 2 or done == total:
            last[0] = now
            rate = done / max(now - start, 1e-9)
            print(f"\r{kind}: {done:,}/{total:,} ({rate:,.0f}/s)", end="", file=sys.stderr)
            if done == total:
                print(file=sys.stderr)

    if "--descriptions-only" not in sys.argv:
        semantic.build(tx, model, progress=progress)
        size = semantic.DATA.stat().st_size / 1e6
        print(f"wrote {semantic.DATA} ({size:.1f} MB) in {time.perf_counter() - start:.0f} s")
    semantic.build_descriptions(tx, model)
    print(f"wrote {semantic.DESCRIPTIONS} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
