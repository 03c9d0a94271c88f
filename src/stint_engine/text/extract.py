"""Skill extraction from free text (job postings, resumes, profiles).

Two parts, no model download:

1. A dictionary of every ESCO skill/knowledge label and alt label and every
   O*NET tool name, matched with Aho-Corasick over lower-cased tokens with a
   light lemmatisation (plural ``-s`` dropped), longest match first.
2. A span tagger: the fine-tuned encoder (``text.tagger``, all-MiniLM-L6-v2's
   top layers tuned on SkillSpan *train*) when enabled (``STINT_SPAN_TAGGER=
   fine-tuned``; off by default, see ``text.tagger``) and installed; otherwise
   a linear-chain CRF span tagger (``data/extract_crf.crfsuite``, CRFsuite,
   trained on SkillSpan *train* only by ``python -m
   stint_engine_eval.train_tagger``; features in ``text.crf``), which decides
   where a skill span starts and ends ("experience with *Python*", "*work
   independently*"); the dictionary matches are among its features. Text is
   tagged sentence by sentence (split at line breaks and ``. ! ? ;``).

Each tagged span is then tied to a skill: the longest dictionary match inside
it, else the best word-level TF-IDF match among ESCO labels (a weaker link
lowers the mention's confidence). Spans that share no word with any ESCO
label are dropped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick
import numpy as np

from stint_engine.taxonomy import Skill, Taxonomy
from stint_engine.text.crf import CRF_CTX_PATH, CrfTagger, sentence_features

__all__ = ["SkillMention", "extract_skills", "tokenise", "warm_up"]

Span = tuple[int, int, float, str, str]

_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:[.+#'&/-][A-Za-z0-9]+)*[+#]*|[^\sA-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class SkillMention:
    skill_id: str
    label: str
    start: int  # character offsets into the input: text[start:end]
    end: int
    confidence: float


def tokenise(text: str) -> list[tuple[str, int, int]]:
    """Tokens with their character spans; ``c++``, ``c#``, ``node.js`` stay whole."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def lemma(token: str) -> str:
    """Lower-case, drop a plural -s ("databases" -> "database", not "business")."""
    t = token.lower()
    if len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is", "ics")):
        return t[:-1]
    return t


class SkillDictionary:
    """Aho-Corasick over lemmatised surface forms of skills and tools."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        best: dict[str, tuple[float, str]] = {}
        for s in taxonomy.skills.values():
            rank_kind = 0.0 if s.kind == "tool" else 1.0
            for i, text in enumerate((s.label, *s.alt_labels)):
                if s.kind == "tool" and i > 0 and not text.isupper():
                    continue  # "Word", "Access", "Teams": vendor-less tool names are words
                key = " ".join(lemma(t) for t, _, _ in tokenise(text))
                if len(key) < 2:
                    continue
                rank = rank_kind + (0.5 if i == 0 else 0.0) + taxonomy.skill_importance(s.id)
                if key not in best or rank > best[key][0]:
                    best[key] = (rank, s.id)
        self.automaton = ahocorasick.Automaton()
        for key, (_, sid) in best.items():
            self.automaton.add_word(f" {key} ", (key.count(" ") + 1, len(key) + 2, sid))
        self.automaton.make_automaton()
        self.taxonomy = taxonomy

    def match(self, lemmas: Sequence[str]) -> list[tuple[int, int, str]]:
        """Non-overlapping (first token, last token + 1, skill id), longest first."""
        if not lemmas:
            return []
        joined = " " + " ".join(lemmas) + " "
        # character offset of each token start in `joined`
        starts: dict[int, int] = {}
        pos = 1
        for i, t in enumerate(lemmas):
            starts[pos] = i
            pos += len(t) + 1
        found: list[tuple[int, int, str]] = []
        for end_char, (n_tokens, key_len, sid) in self.automaton.iter(joined):
            # the key " a b " ends on the space after its last token
            start_tok = starts.get(end_char - key_len + 2)
            if start_tok is not None:
                found.append((start_tok, start_tok + n_tokens, sid))
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        taken = np.zeros(len(lemmas), dtype=bool)
        out = []
        for a, b, sid in found:
            if not taken[a:b].any():
                taken[a:b] = True
                out.append((a, b, sid))
        out.sort()
        return out


def dictionary_features(
    matches: Sequence[tuple[int, int, str]], n: int, taxonomy: Taxonomy
) -> tuple[list[str], list[int]]:
    """Each token's dictionary BIO tag with the label kind, and its match length."""
    tags = ["O"] * n
    lens = [0] * n
    for a, b, sid in matches:
        kind = taxonomy.skills[sid].kind
        tags[a] = "B-" + kind
        for i in range(a + 1, b):
            tags[i] = "I-" + kind
        for i in range(a, b):
            lens[i] = b - a
    return tags, lens


_SENTENCE_END = frozenset(".!?;")


def sentences(text: str, toks: Sequence[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Token ranges of the sentences: split at line breaks and after ``. ! ? ;``."""
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(toks)):
        prev = toks[i - 1]
        if prev[0] in _SENTENCE_END or "\n" in text[prev[2] : toks[i][1]]:
            out.append((start, i))
            start = i
    if toks:
        out.append((start, len(toks)))
    return out


def _longest_match(by_start: dict[int, tuple[int, str]], a: int, b: int) -> str:
    """The skill of the longest dictionary match inside tokens a..b, or ""."""
    best, best_len = "", 0
    for k in range(a, b):
        hit = by_start.get(k)
        if hit is not None and hit[0] <= b and hit[0] - k > best_len:
            best, best_len = hit[1], hit[0] - k
    return best


class Extractor:
    """Dictionary + CRF tagger + linker, built once per taxonomy."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        tagger: CrfTagger | None = None,
        *,
        context: bool = True,
        fine_tuned: bool | None = None,
    ) -> None:
        from stint_engine.text.context import token_classes
        from stint_engine.text.link import skill_index
        from stint_engine.text.tagger import TokenTagger, enabled_by_default, token_tagger

        self.taxonomy = taxonomy
        self.dictionary = SkillDictionary(taxonomy)
        # the fine-tuned encoder tags spans when asked for (off by default for now, see
        # text/tagger.py) and installed; the CRF below is the fallback
        if fine_tuned is None:
            fine_tuned = enabled_by_default()
        self.token_tagger: TokenTagger | None = (
            token_tagger() if fine_tuned and tagger is None else None
        )
        # the contextual tagger when the encoder and its codebooks are installed
        self.classes = token_classes() if context and tagger is None else None
        if self.classes is not None and CRF_CTX_PATH.exists():
            self.tagger = CrfTagger(CRF_CTX_PATH)
        else:
            self.classes = None
            self.tagger = tagger or CrfTagger()
        self.index = skill_index(taxonomy)
        self._link_cache: dict[str, tuple[str, float]] = {}

    def extract(self, text: str) -> list[SkillMention]:
        # a span tagged in both layers is one mention to a reader
        seen: set[tuple[int, int, str]] = set()
        out: list[SkillMention] = []
        for m, _ in self.extract_with_layers(text):
            if (key := (m.start, m.end, m.skill_id)) not in seen:
                seen.add(key)
                out.append(m)
        return out

    def spans(self, text: str) -> tuple[list[tuple[str, int, int]], list[str], list[Span]]:
        """Tokens, lemmas and tagged spans (first token, end token, confidence, layer, match)."""
        toks = tokenise(text)
        if not toks:
            return toks, [], []
        words = [t for t, _, _ in toks]
        lemmas = [lemma(t) for t in words]
        matches = self.dictionary.match(lemmas)
        dtags, dlens = dictionary_features(matches, len(words), self.taxonomy)
        by_start = {a: (b, sid) for a, b, sid in matches}
        out: list[Span] = []
        ranges = sentences(text, toks)
        if self.token_tagger is not None:
            pieces = []
            for lo, hi in ranges:
                base = toks[lo][1]
                sent_text = text[base : toks[hi - 1][2]]
                pieces.append((sent_text, [(a - base, b - base) for _, a, b in toks[lo:hi]]))
            for (lo, _), found in zip(ranges, self.token_tagger.tag(pieces), strict=True):
                for i, j, conf, layer in found:
                    out.append(
                        (lo + i, lo + j, conf, layer, _longest_match(by_start, lo + i, lo + j))
                    )
            return toks, lemmas, out
        classes: list[list[tuple[int, ...]]] | None = None
        if self.classes is not None:
            pieces = []
            for lo, hi in ranges:
                base = toks[lo][1]
                sent_text = text[base : toks[hi - 1][2]]
                pieces.append((sent_text, [(a - base, b - base) for _, a, b in toks[lo:hi]]))
            classes = self.classes.classes(pieces)
        for n_sent, (lo, hi) in enumerate(ranges):
            feats = sentence_features(
                words[lo:hi],
                dtags[lo:hi],
                dlens[lo:hi],
                classes[n_sent] if classes is not None else None,
            )
            tags, probs = self.tagger.tag(feats)
            i = 0
            while i < len(tags):
                tag = tags[i]
                if not tag.startswith("B-"):
                    i += 1
                    continue
                j = i + 1
                inside = "I-" + tag[2:]
                while j < len(tags) and tags[j] == inside:
                    j += 1
                a, b = lo + i, lo + j
                conf = sum(probs[i:j]) / (j - i)
                out.append((a, b, conf, tag[2:], _longest_match(by_start, a, b)))
                i = j
        return toks, lemmas, out

    def extract_with_layers(self, text: str) -> list[tuple[SkillMention, str]]:
        """Mentions with the tagger's layer ("skill" or "knowledge") for each."""
        return self.link_spans(*self.spans(text))

    def link_spans(
        self, toks: list[tuple[str, int, int]], lemmas: list[str], spans: list[Span]
    ) -> list[tuple[SkillMention, str]]:
        """Tie each tagged span (``spans``) to a skill; spans with no skill are dropped."""
        if not spans:
            return []
        words = [t for t, _, _ in toks]
        resolved: list[tuple[str, float] | None] = []
        to_link: list[int] = []
        for a, b, _, _, match in spans:
            if match:
                resolved.append((match, 1.0))
                continue
            hit = self._link_cache.get(" ".join(lemmas[a:b]))
            resolved.append(hit)
            if hit is None:
                to_link.append(len(resolved) - 1)
        if to_link:
            queries = [" ".join(words[spans[i][0] : spans[i][1]]) for i in to_link]
            for i, best in zip(to_link, self.index.best_word_matches(queries), strict=True):
                if len(self._link_cache) > 100_000:
                    self._link_cache.clear()
                self._link_cache[" ".join(lemmas[spans[i][0] : spans[i][1]])] = best
                resolved[i] = best
        out: list[tuple[SkillMention, str]] = []
        for (a, b, conf, layer, _), hit in zip(spans, resolved, strict=True):
            if hit is None or not hit[0]:
                continue
            sid, link_score = hit
            skill: Skill = self.taxonomy.skills[sid]
            mention = SkillMention(
                skill_id=sid,
                label=skill.label,
                start=toks[a][1],
                end=toks[b - 1][2],
                confidence=round(min(1.0, max(1e-4, conf * (0.5 + 0.5 * link_score))), 4),
            )
            out.append((mention, layer))
        return out


_lock = threading.Lock()
_extractors: dict[int, Extractor] = {}


def extractor(taxonomy: Taxonomy | None = None) -> Extractor:
    tx = taxonomy or Taxonomy.load()
    with _lock:
        ex = _extractors.get(id(tx))
        if ex is None:
            ex = Extractor(tx)
            _extractors[id(tx)] = ex
        return ex


def extract_skills(text: str, taxonomy: Taxonomy | None = None) -> list[SkillMention]:
    """Skill mentions in ``text`` with character spans, in reading order."""
    return extractor(taxonomy).extract(text)


def warm_up(taxonomy: Taxonomy | None = None) -> None:
    """Build everything the text calls use: the extractor, the named-skill dictionary,
    the hybrid skill and occupation indexes and the encoder.

    Optional: each is built on first use anyway. A web process calls this in a
    background thread at start-up (``stint.config.wsgi``) so that no request pays
    for it (the named-skill dictionary alone takes a few seconds).
    """
    from stint_engine.text.link import linking_index
    from stint_engine.text.named import find_named_skills
    from stint_engine.text.titles import occupation_index

    tx = taxonomy or Taxonomy.load()
    extractor(tx).extract("Python")
    find_named_skills("Python", tx)
    linking_index(tx).top("python", 1)
    occupation_index(tx).top("analyst", 1)
