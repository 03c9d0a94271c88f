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
   matches are linked with ``text.link.link_skill`` and kept above ``LINK_THRESHOLD``
   (not job titles, not an alt label that names a neighbour of the concept).
4. Where a match stands (``context``): an ESCO phrase inside a duty sentence, a degree
   subject or a school's name, and a category heading over its tools ("Operating
   Systems: Windows, Ubuntu") are not skills named.

The package: ``words`` (word lists), ``surfaces`` (the dictionary and matching it),
``context`` (list items and where a match stands), this module (the finder and the
web app's suggestions).
"""

from __future__ import annotations

from dataclasses import dataclass

from stint_engine.taxonomy import Skill, Taxonomy
from stint_engine.text.link import link_skill  # its index is built on the first call
from stint_engine.text.named.context import (
    in_duty_sentence,
    list_items,
    near_a_degree_or_school,
)
from stint_engine.text.named.surfaces import (
    How,
    dictionary_matches,
    job_titles,
    key_of,
    neighbour_names,
)
from stint_engine.text.named.surfaces import lemma as lemma
from stint_engine.text.named.surfaces import surface_count as surface_count
from stint_engine.text.named.words import GENERIC_VERBS, STOP_WORDS

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


@dataclass(frozen=True, slots=True)
class NamedSkill:
    skill_id: str
    label: str
    start: int  # character offsets into the input: text[start:end]
    end: int
    confidence: float
    how: How


def find_named_skills(text: str, taxonomy: Taxonomy | None = None) -> list[NamedSkill]:
    """Skills ``text`` names, in reading order; one per place it names them."""
    return _find(text, taxonomy or Taxonomy.load())[0]


def _find(text: str, tx: Taxonomy) -> tuple[list[NamedSkill], list[NamedSkill]]:
    """The skills named, and the matches set aside for where they stand."""
    titles, neighbours = job_titles(tx), neighbour_names(tx)  # built once, at warm-up
    found: list[NamedSkill] = []
    covered: list[tuple[int, int]] = []
    for start, end, e in dictionary_matches(text, tx):
        s = tx.skills[e.skill_id]
        found.append(NamedSkill(s.id, s.label, start, end, e.quality, e.how))
        covered.append((start, end))
    linked = 0
    for start, end in list_items(text):
        if any(a < end and start < b for a, b in covered):
            continue
        if linked >= MAX_LINKED_ITEMS:
            break  # each link costs ~10-40 ms; a resume rarely lists more unknown items
        item = text[start:end]
        key = key_of(item)
        if not key or all(t in STOP_WORDS or t.isdigit() or len(t) < 3 for t in key):
            continue
        if key in titles:
            continue  # "Civil Engineer" is a role held, not a skill named
        linked += 1
        best = link_skill(item, 1, tx)
        if best and best[0][1] >= LINK_THRESHOLD:
            skill, score = best[0]
            if (key, skill.id) in neighbours:
                continue  # the linker found "schematics" in blueprints' alt labels
            found.append(NamedSkill(skill.id, skill.label, start, end, float(score), "linked"))
    found.sort(key=lambda m: m.start)
    kept: list[NamedSkill] = []
    aside: list[NamedSkill] = []
    for i, n in enumerate(found):
        skill = tx.skills[n.skill_id]
        out = (
            in_duty_sentence(text, n.start, n.end, skill)
            or near_a_degree_or_school(text, n.start, n.end, skill)
            or _a_heading_over_its_tools(text, n, found[i + 1 : i + 3], tx)
        )
        (aside if out else kept).append(n)
    return kept, aside


HEADING_REACH = 40  # characters from a category's name to the first tool under it


def _a_heading_over_its_tools(
    text: str, n: NamedSkill, following: list[NamedSkill], tx: Taxonomy
) -> bool:
    """ "Operating Systems Windows, Ubuntu", "Databases- MySQL": a category, written in
    the plural, that the next tool named belongs to is a heading over a list, not a
    skill of its own ("Automation Testing Selenium" names both)."""
    if not text[n.start : n.end].lower().endswith("s"):
        return False
    return any(
        m.start - n.end <= HEADING_REACH and n.skill_id in tx.skills[m.skill_id].broader
        for m in following
        if tx.skills[m.skill_id].kind == "tool"
    )


def _content_stems(text: str) -> set[str]:
    return {
        t[:5]
        for t in key_of(text)
        if len(t) >= 3 and t not in STOP_WORDS and t not in GENERIC_VERBS and not t.isdigit()
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
    named, aside = _find(text, tx)
    # the tagger does not bring back what the finder set aside ("Computer Science" of
    # a degree, "company policies" in a duty sentence)
    spans = [(n.start, n.end) for n in (*named, *aside)]
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
