"""SkillSpan CoNLL: ``token<TAB>skill-BIO<TAB>knowledge-BIO``, blank line between sentences."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Sentence:
    tokens: tuple[str, ...]
    skill_tags: tuple[str, ...]
    knowledge_tags: tuple[str, ...]


def read_conll(path: Path | str) -> list[Sentence]:
    sentences: list[Sentence] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            sentences.append(
                Sentence(
                    tuple(r[0] for r in rows),
                    tuple(r[1] if len(r) > 1 else "O" for r in rows),
                    tuple(r[2] if len(r) > 2 else "O" for r in rows),
                )
            )
            rows.clear()

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                continue
            rows.append(line.split("\t"))
    flush()
    return sentences


def bio_spans(tags: tuple[str, ...] | list[str]) -> set[tuple[int, int]]:
    """Token spans (start, end) of a BIO sequence; a stray I- starts a span."""
    spans: set[tuple[int, int]] = set()
    start = None
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("B") or tag == "O" or (tag.startswith("I") and start is None):
            if start is not None:
                spans.add((start, i))
                start = None
            if tag.startswith(("B", "I")):
                start = i
    return spans
