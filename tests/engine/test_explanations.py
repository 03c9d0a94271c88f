"""Explanations tell one story: facts, sentences for the candidate and for the
employer, worth-it and gaps agree, over many generated profiles and postings
drawn from the shipped taxonomy (related and broader pairs included)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from stint_engine.scoring import (
    Candidate,
    CandidateSkill,
    Opportunity,
    Place,
    RequiredSkill,
    fit,
    skill_gaps,
    worth,
)
from stint_engine.scoring.credit import COVER_MIN, covers
from stint_engine.scoring.explain import match_band
from stint_engine.taxonomy import Taxonomy

TODAY = date(2025, 3, 3)


@lru_cache(maxsize=1)
def world() -> tuple[Taxonomy, list[str], list[str]]:
    """The taxonomy, a pool of skills around a few occupations (their skills and
    the neighbours that cover them) and those occupations as goals."""
    tax = Taxonomy.load()
    wanted = ("data analyst", "copywriter", "web developer", "accountant", "graphic designer")
    occupations = [o.id for o in tax.occupations.values() if o.label in wanted]
    pool: dict[str, None] = {}
    for occ in sorted(occupations):
        essential, optional = tax.occupation_skills(occ)
        for s in (*essential[:12], *optional[:6]):
            pool[s] = None
            near = sorted((o for o, w in tax.related(s).items() if w >= COVER_MIN), key=lambda o: o)
            for other in near[:3]:
                pool[other] = None
    return tax, sorted(pool), sorted(occupations)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Candidate, Opportunity]:
    tax, pool, goals = world()
    held = draw(st.dictionaries(st.sampled_from(pool), st.integers(1, 4), max_size=10))
    # Often hold an asked skill itself or a neighbour of it, so "you have" and
    # "covers" both come up.
    asked = draw(st.lists(st.sampled_from(pool), min_size=0, max_size=7))
    for sid in asked[:4]:
        near = sorted(o for o, w in tax.related(sid).items() if w >= COVER_MIN)
        choice = draw(st.sampled_from(["itself", "neighbour", "nothing"]))
        if choice == "itself":
            held[sid] = draw(st.integers(1, 4))
        elif choice == "neighbour" and near:
            held[draw(st.sampled_from(near))] = draw(st.integers(1, 4))
    source = draw(st.sampled_from(["self", "resume", "verified"]))
    c = Candidate(
        id="c",
        skills={k: CandidateSkill(v, source) for k, v in held.items()},  # type: ignore[arg-type]
        text=draw(st.sampled_from(["", "python sql dashboards", "copy for campaigns"])),
        goal_occupation_ids=tuple(draw(st.lists(st.sampled_from(goals), max_size=2, unique=True))),
        hours_per_week=draw(st.sampled_from([2.0, 10.0, 30.0])),
        tz_offset_hours=draw(st.sampled_from([-5.0, 0.0, 3.0])),
        remote_preference=draw(st.sampled_from(["remote", "onsite", "hybrid", "any"])),
        location=Place(draw(st.sampled_from(["", "DE", "FR"]))),
    )
    o = Opportunity(
        id="o",
        required_skills=tuple(
            RequiredSkill(s, draw(st.sampled_from(["essential", "nice"])), draw(st.integers(1, 4)))
            for s in asked
        ),
        text=draw(st.sampled_from(["", "sql reporting dashboards", "campaign copy"])),
        estimated_hours=draw(st.sampled_from([5.0, 20.0])),
        due=draw(st.sampled_from([None, TODAY + timedelta(days=10), TODAY + timedelta(days=60)])),
        work_mode=draw(st.sampled_from(["remote", "onsite", "hybrid"])),
        location=Place(draw(st.sampled_from(["", "DE", "FR"]))),
        max_tz_difference_hours=draw(st.sampled_from([None, 2.0, 8.0])),
    )
    return c, o


def _clauses(sentences: list[str]) -> list[str]:
    return [c.strip().rstrip(".") for s in sentences for c in s.split("; ")]


def _mentions(clause: str, names: dict[str, str]) -> set[str]:
    """Skill ids whose plain name appears in the clause as a whole phrase."""
    return {
        sid
        for sid, name in names.items()
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", clause)
    }


# derandomized: the same 150 cases on every run, so CI cannot fail on a new draw
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(pairs())
def test_no_two_sentences_disagree_about_a_skill_or_goal(
    pair: tuple[Candidate, Opportunity],
) -> None:
    tax, _, _ = world()
    c, o = pair
    f = fit(c, o, tax, today=TODAY)
    w = worth(c, o, tax)
    facts = {s.skill_id: s for s in f.facts.skills}
    names = {sid: s.name for sid, s in facts.items()}
    # Sentence checks need names that cannot be read as one another.
    assume(all(a == b or (names[a].lower() not in names[b].lower()) for a in names for b in names))

    # The facts follow the one crediting rule.
    for sid, s in facts.items():
        if s.status == "have":
            assert sid in c.skills
        elif s.status == "related":
            assert sid not in c.skills and s.via_id in c.skills
            assert covers(tax, s.via_id, sid) >= COVER_MIN
        else:
            assert all(covers(tax, held, sid) == 0 for held in c.skills)

    clauses = _clauses(f.sentences() + w.sentences)
    for clause in clauses:
        said = _mentions(clause, names)
        if clause.endswith((" is missing", " are missing")):
            assert all(facts[sid].status == "missing" for sid in said), clause
        if " covers " in clause:
            covered = _mentions(clause.split(" covers ", 1)[1], names)
            assert all(facts[sid].status == "related" for sid in covered), clause
        if (
            re.match(r"(You (also )?have|It uses skills you already have)", clause)
            and "none of" not in clause
        ):
            assert all(facts[sid].status == "have" for sid in said), clause
        if clause.startswith("You would practise"):
            practised = _mentions(clause.split(", which")[0], names)
            assert all(facts[sid].status == "missing" for sid in practised), clause
        if " is asked at " in clause:
            asked = _mentions(clause.split(" is asked at ")[0], names)
            assert all(facts[sid].status == "have" for sid in asked), clause

    # Required counts agree with the listed skills.
    essential = [s for s in facts.values() if s.need == "essential"] or list(facts.values())
    lead = f.facts.skills and f.factor_detail("skills")
    if lead:
        m = re.match(r"You have (\d+) of (\d+) ", lead)
        if m:
            assert int(m.group(1)) == sum(s.status == "have" for s in essential)
            assert int(m.group(2)) == len(essential)
        elif lead.startswith("You have all"):
            assert all(s.status == "have" for s in essential)
        elif "none of" in lead.split(";")[0]:
            assert not any(s.status == "have" for s in essential)

    # Worth agrees with fit: the same goal sentence, learning only what is missing.
    if f.facts.goal is not None:
        goal_skill_ids = {
            s
            for occ in c.goal_occupation_ids
            for group in tax.occupation_skills(occ)
            for s in group
        }
        toward = [s for s in facts.values() if s.toward_goal]
        if goal_skill_ids & set(facts):
            assert toward  # a goal's own skill always leads toward it
        assert w.goal_fit.sentence == f.factor_detail("goals")
    assert all(facts[s].status == "missing" for s in w.learning_skill_ids)
    if w.learning_value.sentence.startswith("It uses skills you already have"):
        assert all(s.status == "have" for s in facts.values())
    if any(s.status == "missing" for s in facts.values()):
        assert "already" not in w.learning_value.sentence

    # Gaps name the same covering skill fit would.
    for occ in c.goal_occupation_ids[:1]:
        for g in skill_gaps(c, occ, tax):
            assert g.skill_id not in c.skills
            if g.covered_by is not None:
                assert covers(tax, g.covered_by, g.skill_id) >= COVER_MIN


ALLOWED_YOU = ("your description", "your team's", "you accept")


@SETTINGS
@given(pairs())
def test_each_reader_gets_their_own_wording(pair: tuple[Candidate, Opportunity]) -> None:
    tax, _, _ = world()
    c, o = pair
    f = fit(c, o, tax, today=TODAY)
    employer = f.sentences("employer", "Ada") + f.reasons("employer", "Ada")
    candidate = f.sentences("candidate") + f.reasons("candidate")
    # skill names may hold the words themselves ("… develop your professional
    # practice", "Ada (computer programming)"): only the wording around them counts
    names = sorted(
        {n for s in f.facts.skills for n in (s.name, s.via_name, s.label, s.via_label) if n},
        key=len,
        reverse=True,
    )

    def wording(sentence: str) -> str:
        for name in names:
            sentence = sentence.replace(name, "")
        return sentence

    for sentence in employer:
        rest = wording(sentence)
        for ok in ALLOWED_YOU:
            rest = rest.replace(ok, "")
        assert not re.search(r"\b[Yy]ou(r)?\b", rest), sentence
    for sentence in candidate:
        rest = wording(sentence)
        assert "Ada" not in rest and "The candidate" not in rest, sentence
    # Same facts, same number of sentences, exclusions first for both.
    assert len(employer) == len(f.sentences("employer", "Ada")) + len(f.excluded_because)
    assert f.explanation == f.sentences()
    assert f.excluded_because == f.reasons()
    if f.facts.skills and any(s.status == "have" for s in f.facts.skills):
        # the skills sentence speaks of Ada in the third person ("Ada has 1 of 2…",
        # "none of the 2 required skills is on Ada's profile")
        assert any(s.startswith("Ada has") or "Ada also has" in s or "Ada's" in s for s in employer)


def test_a_related_skill_is_credited_by_name_with_level() -> None:
    tax, _, _ = world()
    spreadsheets = next(s for s in tax.skills.values() if s.label == "use spreadsheets software")
    c = Candidate(id="ada", skills={spreadsheets.id: CandidateSkill(3)})
    o = Opportunity(id="o", required_skills=(RequiredSkill("onet:microsoft-excel"),))
    f = fit(c, o, tax, today=TODAY)
    assert "your spreadsheets (Advanced) covers Microsoft Excel" in f.explanation[0]
    assert (
        "Ada's spreadsheets (Advanced) covers Microsoft Excel" in f.sentences("employer", "Ada")[0]
    )
    assert "missing" not in " ".join(f.explanation)


def test_a_posting_with_a_goal_skill_leads_toward_the_goal() -> None:
    """The issue's case: a posting needing "perform data analysis" must not say
    none of its skills are among those a data analyst needs."""
    tax, _, _ = world()
    analyst = next(o.id for o in tax.occupations.values() if o.label == "data analyst")
    analysis = next(s.id for s in tax.skills.values() if s.label == "perform data analysis")
    c = Candidate(id="c", goal_occupation_ids=(analyst,))
    o = Opportunity(id="o", required_skills=(RequiredSkill(analysis),))
    f = fit(c, o, tax, today=TODAY)
    w = worth(c, o, tax)
    assert "None of its skills" not in " ".join(f.explanation + w.sentences)
    assert "data analysis" in w.learning_value.sentence  # missing, and the goal needs it


def test_bands_read_strong_for_someone_with_every_asked_skill() -> None:
    tax, pool, _ = world()
    asked = tuple(RequiredSkill(s, "essential", 2) for s in pool[:3])
    o = Opportunity(id="o", required_skills=asked)
    everything = Candidate(id="c", skills={r.skill_id: CandidateSkill(2) for r in asked})
    f = fit(everything, o, tax, today=TODAY)
    assert f.match_percent == 100 and f.band == ("strong", "Strong match")
    one = Candidate(id="c", skills={asked[0].skill_id: CandidateSkill(2)})
    partial = fit(one, o, tax, today=TODAY)
    assert partial.match_percent < f.match_percent
    assert partial.band[0] in {"partial", "weak"}
    assert match_band(0, excluded=True) == ("excluded", "Not a fit now")
