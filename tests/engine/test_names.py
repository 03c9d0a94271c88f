"""Plain skill names: one general rule over the whole taxonomy, not a table."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stint_engine.taxonomy import Taxonomy
from stint_engine.taxonomy.names import GENERIC_VERBS, plain_label, plain_name


@dataclass(frozen=True)
class Named:
    label: str
    alt_labels: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def test_a_general_sample_of_taxonomy_skills_gets_short_plain_names(taxonomy: Taxonomy) -> None:
    skills = sorted(taxonomy.skills.values(), key=lambda s: s.id)
    sample = skills[:: max(1, len(skills) // 400)]
    assert len(sample) >= 200
    changed = 0
    for s in sample:
        name = plain_name(s)
        assert name.strip() == name and name, s.label
        assert len(name) <= len(s.label), s.label
        first = name.lower().split()
        assert not any(tuple(first[: len(v)]) == v for v in GENERIC_VERBS), (s.label, name)
        assert "(" not in name or "(" not in s.label.split(")")[-1]
        changed += name != s.label
    # The rule touches a real share of ESCO labels, not a handful of examples.
    assert changed >= len(sample) // 20


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("use spreadsheets software", "spreadsheets"),
        ("perform copywriting", "copywriting"),
        ("Python (computer programming)", "Python"),
        ("apply statistical analysis techniques", "statistical analysis"),
        ("carry out market research", "market research"),
        ("manage budgets", "manage budgets"),  # not a generic verb: unchanged
        ("statistical analysis techniques", "statistical analysis techniques"),  # no verb, no trim
        ("SQL", "SQL"),
        ("use", "use"),  # nothing would remain
        ("apply to the court", "apply to the court"),  # a verb with an object phrase stays
    ],
)
def test_the_rule_on_typical_labels(label: str, expected: str) -> None:
    assert plain_label(label) == expected


def test_an_alternative_label_keeps_its_spelling_and_the_taxonomy_label_is_unchanged(
    taxonomy: Taxonomy,
) -> None:
    assert plain_name(Named("use microsoft office", ("Microsoft Office",))) == "Microsoft Office"
    python = next(s for s in taxonomy.skills.values() if s.label == "Python (computer programming)")
    assert plain_name(python) == "Python"
    assert python.label == "Python (computer programming)"  # hover/detail still has ESCO's label
