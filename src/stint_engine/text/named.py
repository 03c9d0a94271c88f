"""Skills a resume or posting names outright ("Python, SQL, Tableau, public speaking").

The CRF tagger in ``text.extract`` is built for running prose of job ads; resumes
and posting skill sections are mostly lists of names. This finder reads them as such:

1. A dictionary of surfaces: every ESCO skill/knowledge label and alt label, every
   O*NET tool name, and variants people actually write ("use spreadsheets software"
   → "spreadsheets", "Python (computer programming)" → "Python", "perform
   copywriting" → "copywriting", "communicate with stakeholders" → "stakeholder
   communication"). Matched longest-first over lower-cased, de-pluralised tokens.
2. Rules against junk: a single common English word from an alt label ("board",
   "guide", "design") is no name of a skill; short or common tool names ("R", "Go",
   "Excel") must be written with their capitals, and a verb use ("excel at") is not
   a tool.
3. List items (comma/bullet separated, or under a "Skills:" heading) that no surface
   matches are linked with ``text.link.link_skill`` and kept above ``LINK_THRESHOLD``.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from stint_engine.taxonomy import Skill, Taxonomy
from stint_engine.text.link import link_skill  # its index is built on the first call

__all__ = [
    "LINK_THRESHOLD",
    "TAGGER_MIN_CONFIDENCE",
    "NamedSkill",
    "find_named_skills",
    "suggest_from_text",
    "surface_count",
]

# Chosen on the development half of bench/data/named_skills (data built for this task;
# the test half is evaluated only at the end), re-chosen once the hybrid (TF-IDF +
# encoder) linker was behind link_skill: dev-half F1 of the finder, resumes / postings,
# at 0.7: 0.597 / 0.580; 0.75: 0.612 / 0.627; 0.8: 0.627 / 0.641; 0.85: 0.627 / 0.641;
# no linking: 0.630 / 0.659. 0.8 ties 0.85 on F1 with more recall (resumes 0.759 vs
# 0.749, postings 0.658 vs 0.634), and recall is what people miss (scripts/choose_named_threshold.py).
LINK_THRESHOLD = 0.8
# On the same development half, tagger-only mentions at confidence 0.5-0.7 were wrong
# 77 times in 77 ("build a dashboard" → "assemble machines"); above 0.7, 10 of 51 right.
TAGGER_MIN_CONFIDENCE = 0.7
MAX_LINKED_ITEMS = 40

How = Literal["exact", "variant", "linked", "tagged"]


@dataclass(frozen=True, slots=True)
class NamedSkill:
    skill_id: str
    label: str
    start: int  # character offsets into the input: text[start:end]
    end: int
    confidence: float
    how: How


# "c++", "c#", "node.js", "asp.net" stay whole; "/" and "-" split ("PL/SQL", "MS-Office")
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:[.+#'&][A-Za-z0-9]+)*[+#]*")
_PAREN_RE = re.compile(r"\s*\([^)]*\)")

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "be",
        "was",
        "were",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "your",
        "our",
        "their",
        "my",
        "we",
        "you",
        "they",
        "he",
        "she",
        "i",
        "me",
        "us",
        "etc",
        "other",
        "others",
        "using",
        "use",
        "used",
        "including",
        "include",
        "such",
        "well",
        "good",
        "new",
        "all",
        "any",
        "some",
        "more",
        "most",
        "very",
    ]
)
# verbs ESCO puts in front of a skill that people leave out in a list
LIGHT_VERBS = (
    "perform",
    "performing",
    "apply",
    "applying",
    "use",
    "using",
    "utilise",
    "utilize",
    "implement",
    "undertake",
    "execute",
    "conduct",
    "carry out",
    "employ",
    "practise",
    "practice",
    "administer",
    "complete",
    "operate",
    "work with",
)
TRAILING_NOUNS = (
    "software",
    "techniques",
    "principles",
    "activities",
    "performance",
    "application",
    "tools",
)
# verb → the noun people write after its object ("manage projects" → "project management")
NOMINAL = {
    "communicate": "communication",
    "manage": "management",
    "analyse": "analysis",
    "analyze": "analysis",
    "plan": "planning",
    "write": "writing",
    "edit": "editing",
    "develop": "development",
    "design": "design",
    "research": "research",
    "test": "testing",
    "negotiate": "negotiation",
    "market": "marketing",
    "model": "modelling",
    "clean": "cleaning",
    "visualise": "visualisation",
    "visualize": "visualization",
    "speak": "speaking",
}
# tool names that are also everyday English words: only with their capitals
ENGLISH_TOOL_WORDS = frozenset(
    [
        "excel",
        "word",
        "access",
        "project",
        "teams",
        "go",
        "windows",
        "office",
        "outlook",
        "sketch",
        "slack",
        "zoom",
        "box",
        "mail",
        "notes",
        "paint",
        "publisher",
        "photos",
        "keynote",
        "pages",
        "numbers",
        "pig",
        "chef",
        "puppet",
        "ant",
    ]
)
# words too general to name a skill on their own
GENERIC_WORDS = frozenset(
    [
        "software",
        "system",
        "data",
        "information",
        "project",
        "support",
        "design",
        "testing",
        "training",
        "monitoring",
        "management",
        "development",
        "analysis",
        "report",
        "reporting",
        "process",
        "service",
        "work",
        "team",
        "quality",
        "safety",
        "hardware",
        "infrastructure",
        "administration",
        "market",
        "monitor",
        "test",
        "central",
        "learn",
        "industrial",
        "construction",
        "language",
        "plan",
    ]
)
# Everyday resume words whose concept is phrased otherwise (surface → preferred label);
# written from general usage before looking at any evaluation text.
CURATED = {
    "public speaking": "address an audience",
    "data cleaning": "perform data cleansing",
    "data cleansing": "perform data cleansing",
    "data visualization": "deliver visual presentation of data",
    "data visualisation": "deliver visual presentation of data",
    "time management": "manage time",
    "problem solving": "solve problems",
    "critical thinking": "think critically",
    "attention to detail": "attend to detail",
    "ms office": "use microsoft office",
    "microsoft office": "use microsoft office",
    "data analysis": "perform data analysis",
    "presentation skills": "address an audience",
    "teamwork": "teamwork principles",
    "team work": "teamwork principles",
    "leadership": "leadership principles",
    "communication skills": "communication",
    "oracle": "Oracle Relational Database",
    "plsql": "Oracle PL/SQL",
}
_LIST_SPLIT_RE = re.compile(r"\s*(?:[,;|•·●▪■◦*]|\s-\s|\t)\s*")
_HEADING_RE = re.compile(r"^\s*([A-Za-z][A-Za-z /&-]{1,40}):\s*")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·●▪■◦>]|\d{1,2}[.)])\s*")
# characters around a whole list item ("Excel, Word" / "EXCEL- Experience")
_ITEM_BEFORE = frozenset(["", "\n", "\r", ",", ";", "|", ":", "(", "/", "•", "-", "&", "*"])
_ITEM_AFTER = frozenset(["", "\n", "\r", ",", ";", "|", ")", "/", ".", "-", "&", ":"])
_VERSION_RE = re.compile(r"^([a-z][a-z+#]{2,})\d{1,2}$")


def lemma(token: str) -> str:
    """Lower-case, drop a plural -s ("databases" → "database", not "business") and a
    version number glued on ("html5" → "html", "python3" → "python")."""
    t = token.lower()
    version = _VERSION_RE.match(t)
    if version:
        t = version.group(1)
    if len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is", "ics")):
        return t[:-1]
    return t


def _key(text: str) -> tuple[str, ...]:
    return tuple(lemma(m.group()) for m in _TOKEN_RE.finditer(text.replace("&", " and ")))


@dataclass(frozen=True, slots=True)
class _Entry:
    skill_id: str
    quality: float  # 1.0 preferred label … 0.85 generated variant
    how: How
    surface: str  # the word as the taxonomy writes it (its capitals matter when strict)
    strict: bool  # an everyday word: only as written, never as a verb ("excel at")
    item_only: bool = False  # an everyday word ESCO lists as an alt name: only in lists
    short_name: bool = False  # one word of a longer tool name ("Maya" of Autodesk Maya)


def _gerund(verb: str) -> str:
    if verb.endswith("e") and not verb.endswith(("ee", "ye")):
        return verb[:-1] + "ing"
    return verb + "ing"


def _acronym(text: str) -> str | None:
    """ "File transfer protocol FTP software" → "FTP": a capitalised token spelled by
    the initials of the words before it."""
    words = text.split()
    for i, w in enumerate(words):
        if 2 <= len(w) <= 6 and w.isupper() and w.isalpha() and i >= len(w):
            initials = "".join(x[0] for x in words[i - len(w) : i]).upper()
            if initials == w:
                return w
    return None


def _variants(text: str, tool: bool, skill: bool) -> list[tuple[str, float]]:
    """Generated ways to write a label, with how much they are trusted."""
    out: list[tuple[str, float]] = []
    acronym = _acronym(text)
    if acronym:
        out.append((acronym, 0.9))
    base = _PAREN_RE.sub("", text).strip()
    if base and base != text:
        out.append((base, 1.0))  # "Python (computer programming)" is named "Python"
    if tool:
        return out  # O*NET names are already what people write
    low = base.lower()
    words = low.split()
    if skill and len(words) >= 2 and words[0].isalpha():
        out.append((" ".join([_gerund(words[0]), *base.split()[1:]]), 0.88))
    for verb in LIGHT_VERBS:
        if low.startswith(verb + " "):
            rest = base[len(verb) + 1 :].strip()
            out.append((rest, 0.88))
            low, base = rest.lower(), rest
            break
    for noun in TRAILING_NOUNS:
        if low.endswith(" " + noun):
            rest = base[: -len(noun) - 1].strip()
            out.append((rest, 0.88))
            low, base = rest.lower(), rest
            break
    if low.startswith("ict "):
        out.append((base[4:], 0.88))
    if low.startswith("application of "):
        out.append((base[15:], 0.88))
    words = low.split()
    if len(words) in (2, 3, 4) and words[0] in NOMINAL:
        obj = [w for w in words[1:] if w not in ("with", "the", "a", "an")]
        if 1 <= len(obj) <= 2:
            obj[-1] = lemma(obj[-1])
            out.append((" ".join([*obj, NOMINAL[words[0]]]), 0.85))
        if len(words) == 2 and words[1].endswith("ly"):  # "speak publicly" → "public speaking"
            out.append((f"{words[1][:-2]} {NOMINAL[words[0]]}", 0.85))
    return out


_lock = threading.Lock()
_dicts: dict[int, tuple[dict[tuple[str, ...], _Entry], int]] = {}


def _common_words(tx: Taxonomy) -> set[str]:
    """Everyday words: frequent in ESCO's own descriptions."""
    counts: Counter[str] = Counter()
    for text in tx.descriptions.values():
        counts.update(lemma(t) for t in _TOKEN_RE.findall(text.lower()))
    for occ in tx.occupations.values():
        counts.update(lemma(t) for t in _TOKEN_RE.findall(occ.description.lower()))
    return {w for w, c in counts.items() if c >= 8}


def _vendors(tx: Taxonomy) -> set[str]:
    """First words shared by many O*NET tool names ("Microsoft", "Apache", "Oracle")."""
    firsts = Counter(s.label.split()[0] for s in tx.skills.values() if s.kind == "tool" and s.label)
    return {w for w, c in firsts.items() if c >= 5 and w[:1].isupper()}


def _build(tx: Taxonomy) -> tuple[dict[tuple[str, ...], _Entry], int]:
    common = _common_words(tx)
    vendors = _vendors(tx)
    best: dict[tuple[str, ...], tuple[float, _Entry]] = {}

    def add(
        surface: str, s: Skill, quality: float, how: How, preferred: bool, short: bool = False
    ) -> None:
        key = _key(surface)
        if not key or all(t in STOP_WORDS for t in key) or len(key) > 8:
            return
        strict = item_only = False
        if len(key) == 1:
            word = key[0]
            if word in STOP_WORDS or word.isdigit():
                return
            if len(word) <= 3 and word.isalpha():
                if not preferred:
                    return  # "API", "PM", "LE": acronyms of long tool names are noise
                strict = True
            label_stems = {w[:5] for w in _key(s.label)}
            everyday = (
                word in common
                or word in ENGLISH_TOOL_WORDS
                or surface.lower() in ENGLISH_TOOL_WORDS
            )
            if word in GENERIC_WORDS:
                return  # "software", "system", "project": never a skill by themselves
            if everyday:
                named = surface != surface.lower()  # "LESS", "Scheme", "Excel": a name
                if preferred and s.kind != "tool" and how == "exact" and not named:
                    item_only = True  # "statistics" in a list, not "statistics show"
                elif how != "exact" and not preferred:
                    return  # a generated single everyday word ("system", "design")
                elif (
                    s.kind == "tool" and not preferred and surface.lower() not in ENGLISH_TOOL_WORDS
                ):
                    return  # "Maintenance" for SAP Maintenance, "Cloud" for IBM Cloud
                elif word[:5] not in label_stems and not preferred:
                    return  # "board" for scaffolding components, "guide" for advise others
                elif named or s.kind == "tool" or how != "exact":
                    strict = True
                else:
                    item_only = True  # "survey" is surveying in a list, not in "run a survey"
        if short and len(key) == 1:
            item_only = True  # "Maya" (Autodesk Maya) in a list, not "Maya Okafor"
        # preferred labels first, then ESCO concepts before O*NET tools
        rank = quality + (0.05 if s.kind != "tool" and quality >= 0.9 else 0.0)
        current = best.get(key)
        if current is None or rank > current[0]:
            best[key] = (
                rank,
                _Entry(
                    s.id,
                    quality,
                    how,
                    surface.split()[-1],
                    strict,
                    item_only,
                    short_name=s.kind == "tool" and len(key) == 1 and not preferred,
                ),
            )

    for s in tx.skills.values():
        tool = s.kind == "tool"
        for i, text in enumerate((s.label, *s.alt_labels)):
            add(text, s, 1.0 if i == 0 else 0.9, "exact", i == 0)
            for variant, q in _variants(text, tool, s.kind == "skill"):
                add(variant, s, q if i == 0 else q - 0.03, "variant", i == 0 and q >= 1.0)
        first, _, rest = s.label.partition(" ")
        if tool and first in vendors and rest:
            add(rest, s, 0.9, "variant", False, short=True)  # "Apache Hive" is "Hive"
    by_label: dict[str, Skill] = {}
    for s in tx.skills.values():
        if s.label not in by_label or by_label[s.label].kind == "tool":
            by_label[s.label] = s
    for surface, label in CURATED.items():
        if label in by_label:
            key = _key(surface)
            best[key] = (2.0, _Entry(by_label[label].id, 0.93, "variant", surface, False))
    entries = {k: e for k, (_, e) in best.items()}
    return entries, max((len(k) for k in entries), default=1)


def _dictionary(tx: Taxonomy) -> tuple[dict[tuple[str, ...], _Entry], int]:
    with _lock:
        built = _dicts.get(id(tx))
        if built is None:
            built = _build(tx)
            _dicts[id(tx)] = built
        return built


def surface_count(taxonomy: Taxonomy | None = None) -> int:
    """How many surfaces the finder knows (also warms it up)."""
    return len(_dictionary(taxonomy or Taxonomy.load())[0])


def _dictionary_matches(text: str, tx: Taxonomy) -> list[tuple[int, int, _Entry]]:
    entries, longest = _dictionary(tx)
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    lemmas = [lemma(t.replace("&", "and")) for t, _, _ in tokens]
    out: list[tuple[int, int, _Entry]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            entry = entries.get(tuple(lemmas[i : i + n]))
            if entry is None:
                continue
            start, end = tokens[i][1], tokens[i + n - 1][2]
            if text[end : end + 3].lstrip(" ").startswith(":") and n <= 3:
                continue  # a heading ("Operating Systems: Windows"), not a skill named
            if n == 1 and entry.strict and not _strict_ok(text, tokens, lemmas, i, entry):
                continue
            if entry.item_only and not _whole_item(text, start, end):
                continue
            if n == 1 and entry.short_name and _before_a_name(text, tokens, i):
                continue  # "Maya Okafor" is a person, not Autodesk Maya
            out.append((start, end, entry))
            i += n - 1
            break
        i += 1
    return out


def _before_a_name(text: str, tokens: list[tuple[str, int, int]], i: int) -> bool:
    """The next word is capitalised and only a space away: part of a proper name."""
    if i + 1 >= len(tokens):
        return False
    word, start, _ = tokens[i + 1]
    gap = text[tokens[i][2] : start]
    return gap.strip(" ") == "" and word[:1].isupper() and not word.isupper()


def _whole_item(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" \t")[-1:]
    after = text[end:].lstrip(" \t")[:1]
    return before in _ITEM_BEFORE and after in _ITEM_AFTER


def _strict_ok(
    text: str, tokens: list[tuple[str, int, int]], lemmas: list[str], i: int, entry: _Entry
) -> bool:
    """An everyday word names a tool only as written ("Excel", "EXCEL", "R"), not as a
    verb ("excel at") nor capitalised only because a sentence starts with it."""
    written, start, end = tokens[i]
    item = _whole_item(text, start, end)
    if i + 1 < len(lemmas) and lemmas[i + 1] in ("at", "in", "to", "on", "with", "the"):
        return False
    if len(written) <= 2:
        return written == entry.surface and item
    if written != entry.surface and not (written.isupper() and not entry.surface.isupper()):
        return item and written.lower() == entry.surface.lower()
    if item:
        return True
    # mid-sentence only after a word or light punctuation; bullets and mojibake
    # bullets ("â¢") start a sentence, whose first word is capitalised anyway
    before = text[:start].rstrip(" \t")[-1:]
    return before.isalnum() or before in (",", ";", ":", "(", "&", "/")


def _list_items(text: str) -> list[tuple[int, int]]:
    """Character spans of short list items: comma/bullet separated or under a heading."""
    items: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body_start = pos
        stripped = line
        heading = _HEADING_RE.match(stripped)
        bullet = _BULLET_RE.match(stripped)
        cut = heading.end() if heading else (bullet.end() if bullet else 0)
        body = stripped[cut:]
        parts: list[tuple[int, int]] = []
        at = 0
        for piece in _LIST_SPLIT_RE.split(body.rstrip("\n")):
            idx = body.find(piece, at)
            if piece.strip():
                parts.append((idx, idx + len(piece)))
            at = idx + len(piece)
        listy = len(parts) >= 2 or bool(heading) or bool(bullet)
        if listy:
            for a, b in parts:
                piece = body[a:b].strip(" .\r\n")
                words = piece.split()
                if 1 <= len(words) <= 5:
                    real = a + body[a:b].find(piece)
                    items.append((body_start + cut + real, body_start + cut + real + len(piece)))
        pos += len(line)
    return items


def find_named_skills(text: str, taxonomy: Taxonomy | None = None) -> list[NamedSkill]:
    """Skills ``text`` names, in reading order; one per place it names them."""
    tx = taxonomy or Taxonomy.load()
    found: list[NamedSkill] = []
    covered: list[tuple[int, int]] = []
    for start, end, e in _dictionary_matches(text, tx):
        s = tx.skills[e.skill_id]
        found.append(NamedSkill(s.id, s.label, start, end, e.quality, e.how))
        covered.append((start, end))
    linked = 0
    for start, end in _list_items(text):
        if any(a < end and start < b for a, b in covered):
            continue
        if linked >= MAX_LINKED_ITEMS:
            break  # each link costs ~10-40 ms; a resume rarely lists more unknown items
        item = text[start:end]
        key = _key(item)
        if not key or all(t in STOP_WORDS or t.isdigit() or len(t) < 3 for t in key):
            continue
        linked += 1
        best = link_skill(item, 1, tx)
        if best and best[0][1] >= LINK_THRESHOLD:
            skill, score = best[0]
            found.append(NamedSkill(skill.id, skill.label, start, end, float(score), "linked"))
    found.sort(key=lambda m: m.start)
    return found


# verbs too general to tie a phrase to a skill on their own
_GENERIC_VERBS = frozenset(
    [
        "build",
        "make",
        "create",
        "run",
        "do",
        "work",
        "use",
        "manage",
        "develop",
        "provide",
        "ensure",
        "support",
        "help",
        "handle",
        "prepare",
        "perform",
        "carry",
        "keep",
        "take",
        "give",
        "get",
        "set",
        "put",
        "assist",
        "maintain",
    ]
)


def _content_stems(text: str) -> set[str]:
    return {
        t[:5]
        for t in _key(text)
        if len(t) >= 3 and t not in STOP_WORDS and t not in _GENERIC_VERBS and not t.isdigit()
    }


def _shares_a_content_word(evidence: str, skill: Skill) -> bool:
    """The tagger's phrase and the skill's names share a word beyond generic verbs."""
    names: set[str] = set()
    for label in (skill.label, *skill.alt_labels):
        names |= _content_stems(label)
    return bool(_content_stems(evidence) & names)


def suggest_from_text(
    text: str, taxonomy: Taxonomy | None = None, tagger_min: float = TAGGER_MIN_CONFIDENCE
) -> list[NamedSkill]:
    """One mention per skill, best evidence first: skills the text names outright
    (this finder), then skills the span tagger (``text.extract``) reads in prose
    where the finder found nothing ("clean the data before analysis")."""
    from stint_engine.text.extract import extract_skills

    tx = taxonomy or Taxonomy.load()
    named = find_named_skills(text, tx)
    spans = [(n.start, n.end) for n in named]
    best: dict[str, tuple[int, NamedSkill]] = {}
    for n in named:
        current = best.get(n.skill_id)
        if current is None or n.confidence > current[1].confidence:
            best[n.skill_id] = (1, n)
    for m in extract_skills(text, tx):
        if m.confidence < tagger_min or m.skill_id in best:
            continue
        if any(a < m.end and m.start < b for a, b in spans):
            continue  # the finder already read this place
        if not _shares_a_content_word(text[m.start : m.end], tx.skills[m.skill_id]):
            continue  # "build a dashboard" is not "assemble machines" (alt "build machines")
        best[m.skill_id] = (
            0,
            NamedSkill(m.skill_id, m.label, m.start, m.end, m.confidence, "tagged"),
        )
    ranked = sorted(best.values(), key=lambda r: (-r[0], -r[1].confidence, r[1].start))
    return [n for _, n in ranked]
