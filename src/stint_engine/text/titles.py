"""Title normalisation: rank ESCO occupations for a job title or career goal."""

from __future__ import annotations

import re
import threading

from stint_engine.taxonomy import Occupation, Taxonomy
from stint_engine.text.hybrid import HybridIndex, hybrid
from stint_engine.text.index import SurfaceIndex

_lock = threading.Lock()
_indexes: dict[int, SurfaceIndex] = {}
_hybrids: dict[int, HybridIndex] = {}

# words that say how or where a job is done, not what it is
_NOISE = re.compile(
    r"\b(junior|jr|senior|sr|lead|head|trainee|intern|internship|graduate|entry level|"
    r"apprentice|apprenticeship|student|working student|part time|full time|part-time|"
    r"full-time|temporary|temp|contract|freelance|remote|hybrid|m/f/d|m/w/d|f/m/d|h/f|"
    r"m/f|f/m|all genders|w/m/d|d/f/m|[ivx]+|\d+)\b",
    re.IGNORECASE,
)


def clean_title(title: str) -> str:
    """The title without seniority, contract and gender markers; as is if nothing is left."""
    cleaned = _NOISE.sub(" ", re.sub(r"[()\[\]|,;:/-]+", " ", title))
    cleaned = " ".join(cleaned.split())
    return cleaned or title


def title_index(taxonomy: Taxonomy | None = None) -> SurfaceIndex:
    tx = taxonomy or Taxonomy.load()
    with _lock:
        index = _indexes.get(id(tx))
        if index is None:
            owners: list[str] = []
            surfaces: list[str] = []
            for o in tx.occupations.values():
                for text in (o.label, *o.alt_labels):
                    owners.append(o.id)
                    surfaces.append(text)
            index = SurfaceIndex(owners, surfaces, char_weight=0.5)
            _indexes[id(tx)] = index
        return index


def occupation_index(taxonomy: Taxonomy | None = None) -> HybridIndex:
    """Lexical and encoder similarity fused (text.hybrid): what title normalisation uses."""
    tx = taxonomy or Taxonomy.load()
    lexical = title_index(tx)
    with _lock:
        index = _hybrids.get(id(tx))
        if index is None:
            index = _hybrids[id(tx)] = hybrid("occupation", lexical, tx)
        return index


def normalise_title(
    title: str, k: int = 10, taxonomy: Taxonomy | None = None
) -> list[tuple[Occupation, float]]:
    """ESCO occupations best matching a job title, with a similarity in [0, 1]."""
    tx = taxonomy or Taxonomy.load()
    return [(tx.occupations[oid], s) for oid, s in occupation_index(tx).top(clean_title(title), k)]
