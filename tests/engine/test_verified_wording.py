"""Issue 14 item 15: "Your verified Microsoft Excel count a little more." read
badly: one verified skill "counts", several "count"."""

from __future__ import annotations

from datetime import date

from stint_engine.scoring import Candidate, CandidateSkill, Opportunity, RequiredSkill, fit
from stint_engine.taxonomy import Taxonomy

TODAY = date(2025, 3, 3)


def _skill(tax: Taxonomy, label: str) -> str:
    return tax.search_skills(label, 1)[0].id


def _sentences(held: list[str]) -> list[str]:
    tax = Taxonomy.load()
    ids = [_skill(tax, label) for label in held]
    candidate = Candidate(id="c", skills={i: CandidateSkill(2, "verified") for i in ids})
    posting = Opportunity(id="o", required_skills=tuple(RequiredSkill(i) for i in ids))
    return list(fit(candidate, posting, tax, today=TODAY).explanation)


def test_one_verified_skill_counts() -> None:
    text = " ".join(_sentences(["SQL"]))
    assert "counts a little more." in text and " count a little more" not in text


def test_several_verified_skills_count() -> None:
    text = " ".join(_sentences(["SQL", "Python"]))
    assert "count a little more." in text and "counts a little more" not in text
