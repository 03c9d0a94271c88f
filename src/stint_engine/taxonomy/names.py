"""The name a person would use for a taxonomy skill.

ESCO labels are written for classifiers: "use spreadsheets software",
"perform copywriting", "Python (computer programming)". People say
"spreadsheets", "copywriting", "Python". `plain_name` derives that name by one
general rule, never by a table of examples:

1. drop parenthesised qualifiers ("Python (computer programming)" -> "Python");
2. drop a leading generic verb that only says "do this" (use, perform, apply,
   operate, utilise, carry out, ...), and then a trailing generic head noun
   that only says "the thing you use" (software, techniques, tools, ...), as
   long as a noun phrase remains ("use spreadsheets software" -> "spreadsheets");
3. when an alternative label spells the result (ignoring case), take its
   spelling, so brand casing survives.

The result is never longer than the preferred label and never empty; labels the
rule does not touch ("SQL", "manage budgets") come back unchanged. The ESCO label
stays available to show on hover or in detail.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

__all__ = ["GENERIC_HEADS", "GENERIC_VERBS", "plain_label", "plain_name"]


class NamedSkill(Protocol):
    @property
    def label(self) -> str: ...


# Verbs that add nothing to what the skill is: "perform X" is "X".
GENERIC_VERBS: tuple[tuple[str, ...], ...] = tuple(
    tuple(v.split())
    for v in (
        "carry out",
        "make use of",
        "use",
        "utilise",
        "utilize",
        "perform",
        "apply",
        "operate",
        "employ",
        "conduct",
        "undertake",
        "execute",
        "implement",
    )
)
# Head nouns that only name the means once the verb is gone: "use X software" is "X".
GENERIC_HEADS = frozenset(
    {
        "software",
        "program",
        "programs",
        "programme",
        "programmes",
        "applications",
        "tools",
        "techniques",
        "methods",
        "methodologies",
        "systems",
        "equipment",
    }
)
# Words a name must not start or end with once stripped ("of", "the", ...).
_DANGLING = frozenset({"a", "an", "the", "of", "for", "to", "and", "or", "in", "on", "with"})
_ARTICLES = frozenset({"a", "an", "the"})
_PARENS = re.compile(r"\s*\([^()]*\)")


def _strip_verb(words: list[str]) -> tuple[list[str], bool]:
    lower = [w.lower() for w in words]
    for verb in GENERIC_VERBS:
        n = len(verb)
        if tuple(lower[:n]) != verb:
            continue
        while n < len(words) - 1 and lower[n] in _ARTICLES:
            n += 1  # "use a complex communication system" -> "complex communication system"
        # "apply to the court" keeps its verb: what follows is no noun phrase.
        if len(words) > n and lower[n] not in _DANGLING:
            return words[n:], True
    return words, False


@lru_cache(maxsize=65536)
def plain_label(label: str, alt_labels: tuple[str, ...] = ()) -> str:
    """`plain_name` on a bare label (and its alternative labels)."""
    original = " ".join(label.split())
    text = " ".join(_PARENS.sub("", original).split()) or original
    words = text.split()
    words, stripped_verb = _strip_verb(words)
    # The head noun goes only with the verb: "statistical analysis techniques"
    # on its own is already a name people use.
    if stripped_verb and len(words) > 1 and words[-1].lower() in GENERIC_HEADS:
        words = words[:-1]
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words = words[:-1]
    name = " ".join(words) or original
    for alt in alt_labels:
        if alt.strip().casefold() == name.casefold():
            name = alt.strip()
            break
    return name if len(name) <= len(original) else original


def plain_name(skill: NamedSkill) -> str:
    """The name a person would use for `skill` (anything with a `label`, and
    optionally `alt_labels`)."""
    return plain_label(skill.label, tuple(getattr(skill, "alt_labels", ()) or ()))
