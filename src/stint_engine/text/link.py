"""Skill linking: rank ESCO skills for a short phrase."""

from __future__ import annotations

import threading

from stint_engine.taxonomy import Skill, Taxonomy
from stint_engine.text.hybrid import HybridIndex, hybrid
from stint_engine.text.index import SurfaceIndex

_lock = threading.Lock()
_indexes: dict[int, SurfaceIndex] = {}
_hybrids: dict[int, HybridIndex] = {}


def skill_index(taxonomy: Taxonomy | None = None) -> SurfaceIndex:
    """The ESCO skill index (labels, alt labels; descriptions weigh a little), built once."""
    tx = taxonomy or Taxonomy.load()
    with _lock:
        index = _indexes.get(id(tx))
        if index is None:
            owners: list[str] = []
            surfaces: list[str] = []
            for s in tx.skills.values():
                if s.kind == "tool":
                    continue
                for text in (s.label, *s.alt_labels):
                    owners.append(s.id)
                    surfaces.append(text)
            index = SurfaceIndex(owners, surfaces, tx.descriptions)
            _indexes[id(tx)] = index
        return index


def linking_index(taxonomy: Taxonomy | None = None) -> HybridIndex:
    """Lexical and encoder similarity fused (text.hybrid): what skill linking uses."""
    tx = taxonomy or Taxonomy.load()
    lexical = skill_index(tx)
    with _lock:
        index = _hybrids.get(id(tx))
        if index is None:
            index = _hybrids[id(tx)] = hybrid("skill", lexical, tx)
        return index


def link_skill(
    phrase: str, k: int = 10, taxonomy: Taxonomy | None = None
) -> list[tuple[Skill, float]]:
    """ESCO skills (not tools) best matching ``phrase``, with a similarity in [0, 1]."""
    tx = taxonomy or Taxonomy.load()
    return [(tx.skills[sid], score) for sid, score in linking_index(tx).top(phrase, k)]
