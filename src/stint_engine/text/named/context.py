"""Where a skill is named: a list item or a name, versus a duty sentence or a degree.

``list_items`` cuts a text into the short items of its lists (comma or bullet
separated, or under a "Skills:" heading): what the finder links when no surface
matches.

People name skills in lists ("Python, SQL, stakeholder communication") and write
tools by their names anywhere ("dashboards in Tableau"). A phrase that only happens to
be an ESCO label inside a duty sentence ("Adheres to all company policies", "identify
bottlenecks in the running of jobs") describes work done, not a skill named; a
field of study beside a degree or a school ("B.E Computer Science, Pune University",
"Martin's English School") is a qualification or a place. These checks look only at
the words around a match; the dev-half figures that chose the limits are in
docs/bench/named_skills.md.
"""

from __future__ import annotations

import re

from stint_engine.taxonomy import Skill

__all__ = ["MAX_EXTRA_WORDS", "in_duty_sentence", "list_items", "near_a_degree_or_school"]

# A clause is what lies between list separators, line breaks, sentence ends and
# "and"/"&": "Strong time management" / "organizational skills".
_CLAUSE_RE = re.compile(r"[\r\n\t,;|•●▪■◦*()\[\]:]|â\x80¢|\s-\s|-\s|\s-|\.\s|\.$|\s(?:and|&)\s")
# A name in a list keeps a word or two around it ("Basic Core Java", "written
# communication skills", "ran user research sessions"); more words make a sentence.
# Dev-half F1 of the finder, resumes / postings (measured before the heading and
# neighbour rules): at 1: 0.708 / 0.707; 2: 0.703 / 0.698; 3: 0.702 / 0.698; no limit:
# 0.630 / 0.665. 2 keeps more of what people name in a phrase, for a small loss.
MAX_EXTRA_WORDS = 2
_WORD_RE = re.compile(r"\S+")
# degrees and institutions: the words beside them are a subject or a name
_DEGREE_RE = re.compile(
    r"^(?:[BM]\.\s?(?:E|Sc|S|A|Tech|Com|Ed)\.?|BE|ME|BSc|MSc|Bsc|Msc|BTech|MTech|BCA|MCA|MBA|"
    r"BCom|MCom|SSC|HSC|PhD)$"
)
_INSTITUTION_RE = re.compile(
    r"^(?:diploma|degree|bachelor|bachelors|bachelor's|bachelorâ\x80\x99s|master|masters|"
    r"master's|university|college|school|institute|academy|limited|ltd|pvt)$",
    re.IGNORECASE,
)
DEGREE_WINDOW = 4  # words either side


def _clause(text: str, start: int, end: int) -> str:
    begin = 0
    for m in _CLAUSE_RE.finditer(text):
        if m.end() <= start:
            begin = m.end()
        elif m.start() >= end:
            return text[begin : m.start()]
    return text[begin:]


def _is_a_name(skill: Skill, written: str, clause: str) -> bool:
    """Tools and capitalised ESCO labels (languages, "Scala") are names anywhere; so is
    a phrase written with capitals inside a sentence ("performed Hardware testing")."""
    if skill.kind == "tool" or skill.label[:1].isupper():
        return True
    return written[:1].isupper() and not clause.lstrip(" \t-*>").startswith(written)


def in_duty_sentence(text: str, start: int, end: int, skill: Skill) -> bool:
    """The match is a few words of a longer sentence and not written as a name."""
    clause = _clause(text, start, end)
    written = text[start:end]
    extra = len(_WORD_RE.findall(clause)) - len(_WORD_RE.findall(written))
    if extra <= MAX_EXTRA_WORDS:
        return False
    return not _is_a_name(skill, written, clause)


def near_a_degree_or_school(text: str, start: int, end: int, skill: Skill) -> bool:
    """A field of study or a word of an institution's name ("Msc Computer Science Pune",
    "Hindustan Aeronautics Limited"); tools are never subjects."""
    if skill.kind == "tool":
        return False
    before = _WORD_RE.findall(text[max(0, start - 80) : start])[-DEGREE_WINDOW:]
    after = _WORD_RE.findall(text[end : end + 80])[:DEGREE_WINDOW]
    words = [w.strip(",;:()") for w in (*before, *after)]
    return any(_DEGREE_RE.match(w) or _INSTITUTION_RE.match(w.rstrip(".")) for w in words)


_LIST_SPLIT_RE = re.compile(r"\s*(?:[,;|•·●▪■◦*]|\s-\s|\t)\s*")
_HEADING_RE = re.compile(r"^\s*([A-Za-z][A-Za-z /&-]{1,40}):\s*")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·●▪■◦>]|\d{1,2}[.)])\s*")


def list_items(text: str) -> list[tuple[int, int]]:
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
