"""`eval named`: recall and precision of skills named in resumes and postings.

The set (``bench/data/named_skills/set.json``) holds row identifiers and annotations
only; the texts are read from ``../shared`` (EVAL-ONLY data, never committed) and
checked against the stored SHA-256 prefix so a changed file cannot pass silently.

Scoring, per document then summed (micro):
- a gold skill is found when any suggested id is among the ids it accepts (the ESCO
  concept and/or the O*NET tool a person would pick); gold skills with no id are
  "unmappable": reported apart, never scored;
- a suggested skill is correct when it is accepted by some gold skill of the document,
  wrong otherwise (a skill the text does not name explicitly counts against precision).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from stint_engine_eval.shared_data import REPO_ROOT, shared_data

DEFAULT_SET = REPO_ROOT / "bench" / "data" / "named_skills" / "set.json"
SOURCES = {
    "resumes": ("resumes/UpdatedResumeDataSet.csv.gz", "Resume"),
    "job_skills_2024": ("job_skills_2024/job_skills_sample.csv.gz", "job_skills"),
}

Finder = Callable[[str], Iterable[str]]  # text → skill ids suggested


def load_set(path: Path = DEFAULT_SET) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["items"]
    return items


def read_texts(items: list[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """The text of every item, from ../shared; ValueError when a row changed."""
    texts: dict[tuple[str, int], str] = {}
    for source in {it["source"] for it in items}:
        rel, column = SOURCES[source]
        with gzip.open(shared_data(rel), "rt", encoding="utf-8", newline="") as fh:
            rows = [row[column] for row in csv.DictReader(fh)]
        for it in items:
            if it["source"] != source:
                continue
            text = rows[it["row"]]
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            if digest != it["sha256"]:
                raise ValueError(f"{source} row {it['row']} is not the annotated text")
            texts[(source, it["row"])] = text
    return texts


def score(
    items: list[dict[str, Any]], predictions: dict[tuple[str, int], set[str]]
) -> dict[str, Any]:
    """Micro recall/precision of ``predictions`` (item key → suggested ids)."""
    found = gold = correct = suggested = unmappable = 0
    for it in items:
        predicted = predictions[(it["source"], it["row"])]
        accepted: set[str] = set()
        for skill in it["skills"]:
            ids = set(skill["ids"])
            if not ids:
                unmappable += 1
                continue
            gold += 1
            accepted |= ids
            found += bool(ids & predicted)
        suggested += len(predicted)
        correct += len(predicted & accepted)
    recall = found / gold if gold else 0.0
    precision = correct / suggested if suggested else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "f1": round(f1, 4),
        "documents": len(items),
        "gold": gold,
        "suggested": suggested,
        "unmappable_named": unmappable,
    }


def finders() -> dict[str, Finder]:
    """The finder alone, what the web app suggests (finder + tagger), the tagger alone."""
    from stint_engine.taxonomy import Taxonomy
    from stint_engine.text.extract import extract_skills
    from stint_engine.text.named import find_named_skills, suggest_from_text

    tx = Taxonomy.load()

    def named(text: str) -> list[str]:
        return [m.skill_id for m in find_named_skills(text, tx)]

    def tagger(text: str) -> list[str]:
        return [m.skill_id for m in extract_skills(text, tx)]

    def suggested(text: str) -> list[str]:
        return [m.skill_id for m in suggest_from_text(text, tx)]

    return {"named": named, "suggested": suggested, "tagger": tagger}


def evaluate(path: Path, split: str | None = None) -> dict[str, Any]:
    items = load_set(path)
    if split:
        items = [it for it in items if it["split"] == split]
    print(f"named: reading {len(items)} texts from ../shared", file=sys.stderr)
    texts = read_texts(items)
    out: dict[str, Any] = {"set": str(path), "split": split or "all"}
    for name, finder in finders().items():
        print(f"named: scoring {name}", file=sys.stderr)
        predictions = {key: set(finder(text)) for key, text in texts.items()}
        by_source: dict[str, Any] = {}
        for source, label in (("resumes", "resumes"), ("job_skills_2024", "postings")):
            part = [it for it in items if it["source"] == source]
            if part:
                by_source[label] = score(part, predictions)
        out[name] = by_source
    # the fields of the finder at the top, as the issue asks
    out["resumes"] = out["named"].get("resumes")
    out["postings"] = out["named"].get("postings")
    return out


def run_eval_named(args: argparse.Namespace) -> dict[str, Any]:
    path = Path(args.set) if args.set else DEFAULT_SET
    return evaluate(path, args.split)
