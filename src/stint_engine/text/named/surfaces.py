"""The finder's dictionary: every way a taxonomy concept is written, and matching it.

Every ESCO skill/knowledge label and alt label, every O*NET tool name, and variants
people actually write ("use spreadsheets software" → "spreadsheets", "Python (computer
programming)" → "Python", "communicate with stakeholders" → "stakeholder
communication", "IBM Tivoli software" → "Tivoli"), matched longest-first over
lower-cased, de-pluralised tokens, with rules against junk (everyday words, verbs,
proper names) described where they apply.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from stint_engine.taxonomy import Skill, Taxonomy
from stint_engine.text.named.words import (
    CURATED,
    ENGLISH_TOOL_WORDS,
    GENERIC_WORDS,
    LIGHT_VERBS,
    NOMINAL,
    STOP_WORDS,
    TRAILING_NOUNS,
)

How = Literal["exact", "variant", "linked", "tagged"]

# "c++", "c#", "node.js", "asp.net" stay whole; "/" and "-" split ("PL/SQL", "MS-Office");
# a list number ("4.word, excel") and a sentence end without its space
# ("PostgreSQL.Education") are not part of the name
_TOKEN_RE = re.compile(
    r"\d{1,2}(?=\.[A-Za-z])|[A-Za-z0-9]+(?:[.+#'&](?![A-Z][a-z]{3,})[A-Za-z0-9]+)*[+#]*"
)
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
# characters around a whole list item ("Excel, Word" / "EXCEL- Experience")
# "¢" ends the mojibake of a bullet ("â\x80¢"), frequent in resumes pasted from PDFs
_ITEM_BEFORE = frozenset(["", "\n", "\r", ",", ";", "|", ":", "(", "/", "•", "¢", "-", "&", "*"])
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


def key_of(text: str) -> tuple[str, ...]:
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


def names_a_neighbour(alt: str, label: str) -> bool:
    """An ESCO alt label sharing no word with its concept's label names a neighbour,
    not the concept ("schematics" of blueprints, "Math" of geometry, "formulae" of
    algorithms); acronyms ("ETL") are the exception."""
    if alt.isupper():
        return False
    words = {w[:5] for w in key_of(_PAREN_RE.sub("", label)) if w not in STOP_WORDS}
    return not words & {w[:5] for w in key_of(alt) if w not in STOP_WORDS}


def neighbour_names(tx: Taxonomy) -> frozenset[tuple[tuple[str, ...], str]]:
    """(surface key, concept id) of every alt label that names a neighbour: what the
    linker must not take for the concept either."""
    with _lock:
        names = _neighbours.get(id(tx))
        if names is None:
            names = frozenset(
                (key_of(alt), s.id)
                for s in tx.skills.values()
                if s.kind != "tool"
                for alt in s.alt_labels
                if names_a_neighbour(alt, s.label)
            )
            _neighbours[id(tx)] = names
        return names


def _without_trailing_software(label: str) -> str:
    """ "IBM Tivoli software" is written "IBM Tivoli"; not "Inventory management
    software", whose rest is a common phrase (an ESCO skill's), not a product's name."""
    words = label.split()
    if len(words) >= 2 and words[-1].lower() in ("software", "suite"):
        rest = " ".join(words[:-1])
        if any(c.isupper() for c in rest[1:]):
            return rest
    return label


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
        bare = _without_trailing_software(base)
        if bare != base:
            out.append((bare, 0.95))
        return out  # otherwise O*NET names are already what people write
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
    """Everyday words: frequent in ESCO's own descriptions, in British and American
    spelling ("analyse" and "analyze", "organisation" and "organization")."""
    counts: Counter[str] = Counter()
    for text in tx.descriptions.values():
        counts.update(lemma(t) for t in _TOKEN_RE.findall(text.lower()))
    for occ in tx.occupations.values():
        counts.update(lemma(t) for t in _TOKEN_RE.findall(occ.description.lower()))
    common = {w for w, c in counts.items() if c >= 8}
    return common | {_AMERICAN_RE.sub("z", w) for w in common}


# British "s" that American English writes "z": analyse, organise, organisation
_AMERICAN_RE = re.compile(r"(?<=[iy])s(?=e$|ed$|es$|ing$|ation|er$)")


def _vendors(tx: Taxonomy) -> set[str]:
    """First words shared by many O*NET tool names ("Microsoft", "Apache", "Oracle")."""
    firsts = Counter(s.label.split()[0] for s in tx.skills.values() if s.kind == "tool" and s.label)
    return {w for w, c in firsts.items() if c >= 5 and w[:1].isupper()}


def _build(tx: Taxonomy) -> tuple[dict[tuple[str, ...], _Entry], int]:
    common = _common_words(tx)
    vendors = _vendors(tx)
    best: dict[tuple[str, ...], tuple[float, _Entry]] = {}

    def add(
        surface: str,
        s: Skill,
        quality: float,
        how: How,
        preferred: bool,
        short: bool = False,
        acronym: bool = False,
    ) -> None:
        key = key_of(surface)
        if not key or all(t in STOP_WORDS for t in key) or len(key) > 8:
            return
        if not preferred and (key[0] in STOP_WORDS or key[-1] in STOP_WORDS):
            return  # a fragment ("construction of", "and procedure"), not a name
        strict = item_only = False
        if len(key) == 1:
            word = key[0]
            if word in STOP_WORDS or word.isdigit():
                return
            if len(word) <= 3 and word.isalpha():
                if not preferred and not (acronym and len(word) == 3):
                    return  # "API", "PM", "LE": acronyms of long tool names are noise
                strict = True
                # "FTP" spelled by its label's initials: a list item, as written
                item_only = not preferred
            label_stems = {w[:5] for w in key_of(s.label)}
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
            if i == 0 or tool or not names_a_neighbour(text, s.label):
                add(text, s, 1.0 if i == 0 else 0.9, "exact", i == 0)
            acronym = _acronym(text)
            for variant, q in _variants(text, tool, s.kind == "skill"):
                add(
                    variant,
                    s,
                    q if i == 0 else q - 0.03,
                    "variant",
                    i == 0 and q >= 1.0,
                    acronym=variant == acronym,
                )
        first, _, rest = _without_trailing_software(s.label).partition(" ")
        if tool and first in vendors and rest:
            add(rest, s, 0.9, "variant", False, short=True)  # "Apache Hive" is "Hive"
    by_label: dict[str, Skill] = {}
    for s in tx.skills.values():
        if s.label not in by_label or by_label[s.label].kind == "tool":
            by_label[s.label] = s
    for surface, label in CURATED.items():
        if label in by_label:
            key = key_of(surface)
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


_titles: dict[int, frozenset[tuple[str, ...]]] = {}
_neighbours: dict[int, frozenset[tuple[tuple[str, ...], str]]] = {}


def job_titles(tx: Taxonomy) -> frozenset[tuple[str, ...]]:
    """Every ESCO occupation label and alternative label, as dictionary keys."""
    with _lock:
        titles = _titles.get(id(tx))
        if titles is None:
            titles = frozenset(
                key_of(label) for o in tx.occupations.values() for label in (o.label, *o.alt_labels)
            )
            _titles[id(tx)] = titles
        return titles


def surface_count(taxonomy: Taxonomy | None = None) -> int:
    """How many surfaces the finder knows (also warms it up)."""
    return len(_dictionary(taxonomy or Taxonomy.load())[0])


def dictionary_matches(text: str, tx: Taxonomy) -> list[tuple[int, int, _Entry]]:
    entries, longest = _dictionary(tx)
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    lemmas = [lemma(t.replace("&", "and")) for t, _, _ in tokens]
    out: list[tuple[int, int, _Entry]] = []
    i = 0
    while i < len(tokens):
        joined = _joined_name(text, tokens, i, entries)
        if joined is not None:
            out.append(joined)
            i += 2
            continue
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


def _joined_name(
    text: str, tokens: list[tuple[str, int, int]], i: int, entries: dict[tuple[str, ...], _Entry]
) -> tuple[int, int, _Entry] | None:
    """A one-word name written as two ("My SQL", "Service Now", "Bit Bucket"), when the
    two words are no name of their own."""
    if i + 1 >= len(tokens):
        return None
    (a, a_start, a_end), (b, _, b_end) = tokens[i], tokens[i + 1]
    if text[a_end : tokens[i + 1][1]] != " " or not (a.isalpha() and b.isalpha()):
        return None
    if len(a) < 2 or len(b) < 2 or (lemma(a), lemma(b)) in entries:
        return None
    entry = entries.get((lemma(a + b),))
    if entry is None or entry.strict or entry.item_only:
        return None
    return a_start, b_end, entry


def _before_a_name(text: str, tokens: list[tuple[str, int, int]], i: int) -> bool:
    """The next word is capitalised and only a space away: part of a proper name."""
    if i + 1 >= len(tokens):
        return False
    word, start, _ = tokens[i + 1]
    gap = text[tokens[i][2] : start]
    return gap.strip(" ") == "" and word[:1].isupper() and not word.isupper()


_LINE_START = frozenset(["", "\n", "\r", "•", "¢", "*", "-"])
_AND_AFTER_RE = re.compile(r"(?:and|&)\s+[A-Za-z]{3}")  # not "R and D"


def _whole_item(text: str, start: int, end: int) -> bool:
    """Separators on both sides; or first on a line, then "and" ("• Accounting and
    bookkeeping for a choir")."""
    before = text[:start].rstrip(" \t")[-1:]
    tail = text[end:].lstrip(" \t")
    if before in _LINE_START and _AND_AFTER_RE.match(tail):
        return True
    return before in _ITEM_BEFORE and tail[:1] in _ITEM_AFTER


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
    if item or (written == entry.surface and written.isupper()):
        return True  # capitals a sentence start does not explain ("SQL", not "Excel")
    # mid-sentence only after a word or light punctuation; bullets and mojibake
    # bullets ("â¢") start a sentence, whose first word is capitalised anyway
    before = text[:start].rstrip(" \t")[-1:]
    return before.isalnum() or before in (",", ";", ":", "(", "&", "/")
