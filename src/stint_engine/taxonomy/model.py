"""ESCO skills and occupations plus O*NET tools, loaded from a committed artefact.

The artefact (``stint_engine/data/taxonomy.json.gz``) is built by
``scripts/build_taxonomy.py`` from ESCO v1.1.1 and O*NET Technology Skills;
see ``stint_engine/data/NOTICE.md`` for attribution.

Ids: an ESCO concept's id is the last segment of its URI; an O*NET tool's id
is ``"onet:<slug>"``. ``Skill.broader`` of an ESCO skill holds its parents in
the ESCO skill pillar, which may be ESCO skill *groups* (``Taxonomy.groups``,
kind ``"group"``; ``Taxonomy.skill`` resolves them too); a tool's ``broader``
holds the ESCO skills it points at.
"""

from __future__ import annotations

import bisect
import gzip
import json
import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_PATH", "Occupation", "Skill", "Taxonomy", "normalise"]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "taxonomy.json.gz"

# relatedness weights, all in (0, 1)
W_ESSENTIAL_RELATION = 0.7
W_OPTIONAL_RELATION = 0.5
W_TOOL_EXACT = 0.9
W_TOOL_CATEGORY = 0.5
W_PARENT = 0.6
W_SIBLING = 0.4
SIBLING_FULL_WEIGHT_UP_TO = 12  # siblings in bigger groups share the weight

_NORM_RE = re.compile(r"[^a-z0-9+#]+")


def normalise(text: str) -> str:
    """Lower-case, ``&`` as ``and``, punctuation to spaces (keeps ``c++``, ``c#``)."""
    return " ".join(_NORM_RE.sub(" ", text.lower().replace("&", " and ")).split())


@dataclass(frozen=True, slots=True)
class Skill:
    id: str  # ESCO UUID (last segment of the concept URI); O*NET tools: "onet:<slug>"
    uri: str
    label: str
    alt_labels: tuple[str, ...]
    kind: str  # "skill" | "knowledge" | "tool" ("group" for ESCO skill groups)
    broader: tuple[str, ...]  # parent ids in the ESCO skill hierarchy


@dataclass(frozen=True, slots=True)
class Occupation:
    id: str
    uri: str
    label: str
    alt_labels: tuple[str, ...]
    isco_code: str
    description: str


_cache: dict[Path, Taxonomy] = {}
_cache_lock = threading.Lock()


class Taxonomy:
    """Skills, occupations, their links, and relatedness between skills."""

    skills: dict[str, Skill]
    occupations: dict[str, Occupation]

    def __init__(
        self,
        skills: Iterable[Skill],
        occupations: Iterable[Occupation],
        occupation_skills: Mapping[str, tuple[Iterable[str], Iterable[str]]],
        relations: Mapping[str, Mapping[str, float]] | Iterable[tuple[str, str, float]] = (),
        *,
        groups: Iterable[Skill] = (),
        descriptions: Mapping[str, str] | None = None,
        prevalence: Mapping[str, float] | None = None,
    ) -> None:
        self.skills = {s.id: s for s in skills}
        self.occupations = {o.id: o for o in occupations}
        self.groups: dict[str, Skill] = {g.id: g for g in groups}
        self.descriptions: dict[str, str] = dict(descriptions or {})
        self._occ_skills: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
            oid: (tuple(ess), tuple(opt)) for oid, (ess, opt) in occupation_skills.items()
        }
        self._relations: dict[str, dict[str, float]] = defaultdict(dict)
        triples: Iterable[tuple[str, str, float]]
        if isinstance(relations, Mapping):
            triples = ((a, b, w) for a, nb in relations.items() for b, w in nb.items())
        else:
            triples = relations
        for a, b, w in triples:
            self._add_relation(a, b, float(w))
        self._children: dict[str, list[str]] = defaultdict(list)
        for s in (*self.skills.values(), *self.groups.values()):
            if s.kind == "tool":
                for target in s.broader:
                    self._add_relation(s.id, target, W_TOOL_EXACT)
                continue
            for parent in s.broader:
                self._children[parent].append(s.id)
        self._related_cache: dict[str, dict[str, float]] = {}
        self._importance = self._compute_importance(prevalence or {})
        self._search_index: _SearchIndex | None = None

    def _add_relation(self, a: str, b: str, w: float) -> None:
        if a == b:
            return
        w = min(max(w, 1e-6), 1 - 1e-6)
        for x, y in ((a, b), (b, a)):
            if w > self._relations[x].get(y, 0.0):
                self._relations[x][y] = w

    def _compute_importance(self, prevalence: Mapping[str, float]) -> dict[str, float]:
        counts: dict[str, float] = defaultdict(float)
        for ess, opt in self._occ_skills.values():
            for s in ess:
                counts[s] += 1.0
            for s in opt:
                counts[s] += 0.5
        top = max(counts.values(), default=1.0)
        scale = math.log1p(top) or 1.0
        out = {sid: min(1.0, max(0.05, math.log1p(c) / scale)) for sid, c in counts.items()}
        # tools are counted on O*NET's own scale
        top = max(prevalence.values(), default=1.0)
        scale = math.log1p(top) or 1.0
        for sid, c in prevalence.items():
            out[sid] = max(out.get(sid, 0.0), min(1.0, max(0.05, math.log1p(c) / scale)))
        return out

    # -- construction -------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        """The committed taxonomy; the default path is loaded once per process."""
        key = (path or DEFAULT_PATH).resolve()
        with _cache_lock:
            cached = _cache.get(key)
            if cached is None:
                cached = cls._read(key)
                _cache[key] = cached
            return cached

    @classmethod
    def _read(cls, path: Path) -> Taxonomy:
        with gzip.open(path, "rb") as fh:
            data: dict[str, Any] = json.loads(fh.read())
        ids = sorted(data["skills"])
        skills: list[Skill] = []
        descriptions: dict[str, str] = {}
        for sid in ids:
            s = data["skills"][sid]
            skills.append(
                Skill(sid, s["uri"], s["label"], tuple(s["alt"]), s["kind"], tuple(s["broader"]))
            )
            if s["desc"]:
                descriptions[sid] = s["desc"]
        groups = [
            Skill(gid, g["uri"], g["label"], (), "group", tuple(g["broader"]))
            for gid, g in data["groups"].items()
        ]
        occupations = []
        occ_skills: dict[str, tuple[Iterable[str], Iterable[str]]] = {}
        for oid, o in data["occupations"].items():
            occupations.append(
                Occupation(oid, o["uri"], o["label"], tuple(o["alt"]), o["isco"], o["desc"])
            )
            occ_skills[oid] = ([ids[i] for i in o["essential"]], [ids[i] for i in o["optional"]])
        relations: list[tuple[str, str, float]] = [
            (ids[a], ids[b], W_ESSENTIAL_RELATION if essential else W_OPTIONAL_RELATION)
            for a, b, essential in data["relations"]
        ]
        prevalence: dict[str, float] = {}
        for tid, t in data["tools"].items():
            links = t["links"]
            exact = links[: t["exact"]]
            skills.append(
                Skill(tid, "", t["label"], tuple(t["alt"]), "tool", tuple(exact or links))
            )
            relations.extend((tid, target, W_TOOL_CATEGORY) for target in links[t["exact"] :])
            # O*NET: how many occupations use the tool; "hot" tools count double
            prevalence[tid] = t["n_occ"] * (2.0 if t["hot"] else 1.0)
        return cls(
            skills,
            occupations,
            occ_skills,
            relations,
            groups=groups,
            descriptions=descriptions,
            prevalence=prevalence,
        )

    @classmethod
    def from_parts(
        cls,
        skills: Iterable[Skill],
        occupations: Iterable[Occupation],
        occupation_skills: Mapping[str, tuple[Iterable[str], Iterable[str]]],
        relations: Mapping[str, Mapping[str, float]] | Iterable[tuple[str, str, float]] = (),
    ) -> Taxonomy:
        """A small taxonomy, e.g. for tests; relations are symmetric, weights in (0, 1)."""
        return cls(skills, occupations, occupation_skills, relations)

    # -- lookups -----------------------------------------------------------------

    def skill(self, skill_id: str) -> Skill:
        """The skill, tool or skill group with this id; ``KeyError`` if unknown."""
        found = self.skills.get(skill_id) or self.groups.get(skill_id)
        if found is None:
            raise KeyError(skill_id)
        return found

    def related(self, skill_id: str) -> dict[str, float]:
        """Neighbours with relatedness in (0, 1).

        ESCO skill-skill relations (essential 0.7, optional 0.5), tool to skill
        links (0.9 by name, 0.5 by software category), parents and children in
        the hierarchy (0.6) and siblings under a shared parent (0.4, shared out
        in large groups). Skill groups themselves are not returned.
        """
        cached = self._related_cache.get(skill_id)
        if cached is not None:
            return cached
        me = self.skills.get(skill_id)
        if me is None:
            raise KeyError(skill_id)
        out: dict[str, float] = {}

        def put(other: str, w: float) -> None:
            if other != skill_id and other in self.skills and w > out.get(other, 0.0):
                out[other] = w

        if me.kind != "tool":
            for parent in me.broader:
                put(parent, W_PARENT)
                siblings = self._children.get(parent, ())
                w = W_SIBLING * min(1.0, SIBLING_FULL_WEIGHT_UP_TO / max(1, len(siblings) - 1))
                for sib in siblings:
                    put(sib, w)
            for child in self._children.get(skill_id, ()):
                put(child, W_PARENT)
        for other, w in self._relations.get(skill_id, {}).items():
            put(other, w)
        self._related_cache[skill_id] = out
        return out

    def occupation_skills(self, occupation_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(essential, optional) skill ids; ``KeyError`` for an unknown occupation."""
        if occupation_id not in self.occupations:
            raise KeyError(occupation_id)
        return self._occ_skills.get(occupation_id, ((), ()))

    def skill_importance(self, skill_id: str) -> float:
        """In (0, 1]: how widely the skill is asked for, log-scaled.

        ESCO skills: occupations listing it as essential (optional counts
        half); O*NET tools: occupations using it (hot technologies double).
        Unlisted skills get the floor 0.05.
        """
        return self._importance.get(skill_id, 0.05)

    def search_skills(self, query: str, k: int = 10) -> list[Skill]:
        """Autocomplete: labels and alt labels by word prefix, then fuzzy matches."""
        if self._search_index is None:
            self._search_index = _SearchIndex(self)
        return [self.skills[sid] for sid in self._search_index.search(query, k)]


class _SearchIndex:
    """Sorted word-suffixes of every surface form for prefix lookup, plus rapidfuzz."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        surfaces: list[tuple[str, str, int]] = []  # (normalised, skill id, is-alt)
        esco_surfaces = {
            normalise(text)
            for s in taxonomy.skills.values()
            if s.kind != "tool"
            for text in (s.label, *s.alt_labels)
        }
        for s in taxonomy.skills.values():
            seen: set[str] = set()
            # "Python" the tool duplicates the ESCO skill it points at: leave it out
            skip = esco_surfaces if s.kind == "tool" and s.broader else frozenset()
            for i, text in enumerate((s.label, *s.alt_labels)):
                n = normalise(text)
                if n and n not in seen and n not in skip:
                    seen.add(n)
                    surfaces.append((n, s.id, int(i > 0)))
        self.surfaces = surfaces
        self.importance = taxonomy.skill_importance
        keys: list[tuple[str, int, int]] = []  # (suffix from a word start, surface, offset)
        for idx, (n, _, _) in enumerate(surfaces):
            pos = 0
            for word in n.split(" "):
                keys.append((n[pos:], idx, pos))
                pos += len(word) + 1
        keys.sort()
        self.keys = keys
        self.key_text = [k[0] for k in keys]
        self.choices = [n for n, _, _ in surfaces]

    def search(self, query: str, k: int) -> list[str]:
        q = normalise(query)
        if not q or k <= 0:
            return []
        scored: dict[str, float] = {}
        lo = bisect.bisect_left(self.key_text, q)
        hi = bisect.bisect_left(self.key_text, q + "\uffff")
        for _, idx, offset in self.keys[lo : min(hi, lo + 5000)]:
            n, sid, is_alt = self.surfaces[idx]
            # exact matches first; then widely used skills, whole-label prefixes,
            # preferred labels and short labels
            score = (
                (5.0 + (not is_alt) if n == q else 0.0)
                + 0.8 * self.importance(sid)
                - (1.0 if offset else 0.0)
                - 0.3 * is_alt
                - len(n) / 200
            )
            if score > scored.get(sid, -1e9):
                scored[sid] = score
        ordered = sorted(scored, key=lambda sid: (-scored[sid], sid))[:k]
        if len(ordered) < k and len(q) >= 4:
            from rapidfuzz import fuzz, process

            # typos: whole-string similarity, so "pyth" does not match "depth"
            hits = process.extract(
                q, self.choices, scorer=fuzz.QRatio, limit=4 * k, score_cutoff=80
            )
            for _, _, idx in hits:
                sid = self.surfaces[idx][1]
                if sid not in ordered:
                    ordered.append(sid)
                if len(ordered) >= k:
                    break
        return ordered
