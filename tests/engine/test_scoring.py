from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stint_engine.scoring import (
    Candidate,
    CandidateSkill,
    DateRange,
    EmployerStats,
    Opportunity,
    Place,
    RequiredSkill,
    TextModel,
    fit,
    skill_gaps,
    worth,
)

TODAY = date(2025, 3, 3)


@dataclass(frozen=True)
class Skill:
    id: str
    label: str


@dataclass(frozen=True)
class Occupation:
    id: str
    label: str


@dataclass
class TinyTaxonomy:
    """The methods of `stint_engine.taxonomy.Taxonomy` that scoring reads."""

    skills: dict[str, Skill]
    occupations: dict[str, Occupation]
    links: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    relations: dict[str, dict[str, float]] = field(default_factory=dict)
    importance: dict[str, float] = field(default_factory=dict)

    def skill(self, skill_id: str) -> Skill:
        return self.skills[skill_id]

    def related(self, skill_id: str) -> dict[str, float]:
        return self.relations.get(skill_id, {})

    def occupation_skills(self, occupation_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.links[occupation_id]

    def skill_importance(self, skill_id: str) -> float:
        return self.importance.get(skill_id, 0.5)


LABELS = {
    "py": "Python",
    "sql": "SQL",
    "pg": "PostgreSQL",
    "xl": "Excel",
    "stats": "statistics",
    "docker": "Docker",
    "talk": "communication",
    "viz": "data visualisation",
}
TAX = TinyTaxonomy(
    skills={k: Skill(k, v) for k, v in LABELS.items()},
    occupations={"analyst": Occupation("analyst", "data analyst")},
    links={"analyst": (("sql", "xl", "stats", "py", "viz"), ("docker",))},
    relations={"sql": {"pg": 0.8}, "pg": {"sql": 0.8}, "stats": {"py": 0.3}},
    importance={"sql": 0.9, "py": 0.8, "stats": 0.7, "xl": 0.5, "viz": 0.6},
)


def cand(skills: dict[str, int | tuple[int, str]] | None = None, **kw: object) -> Candidate:
    parsed = {
        k: CandidateSkill(*v) if isinstance(v, tuple) else CandidateSkill(v)  # type: ignore[arg-type]
        for k, v in (skills or {}).items()
    }
    return replace(Candidate(id="alice", skills=parsed), **kw)  # type: ignore[arg-type]


def opp(essential: tuple[str, ...] = (), nice: tuple[str, ...] = (), **kw: object) -> Opportunity:
    req = tuple(RequiredSkill(s, "essential", 2) for s in essential) + tuple(
        RequiredSkill(s, "nice", 2) for s in nice
    )
    base = Opportunity(id="o1", required_skills=req, estimated_hours=10, fee_minor=30000)
    return replace(base, **kw)  # type: ignore[arg-type]


def skills_value(c: Candidate, o: Opportunity) -> float:
    f = fit(c, o, TAX, today=TODAY)
    return next(x.value for x in f.factors if x.name == "skills")


def test_it_weighs_essential_skills_more_than_nice_ones() -> None:
    o = opp(essential=("py",), nice=("docker",))
    has_essential = skills_value(cand({"py": 2}), o)
    has_nice = skills_value(cand({"docker": 2}), o)
    assert has_essential > has_nice > 0
    assert (
        fit(cand({"py": 2}), o, TAX, today=TODAY).score
        > fit(cand({"docker": 2}), o, TAX, today=TODAY).score
    )


def test_it_gives_partial_credit_for_related_skills() -> None:
    o = opp(essential=("sql",))
    exact = skills_value(cand({"sql": 2}), o)
    related = skills_value(cand({"pg": 2}), o)
    unrelated = skills_value(cand({"xl": 2}), o)
    assert exact > related > unrelated == 0
    assert related == skills_value(cand({"pg": 2}), o)  # deterministic


def test_a_level_shortfall_reduces_credit_and_is_named() -> None:
    o = replace(opp(), required_skills=(RequiredSkill("py", "essential", 4),))
    expert = fit(cand({"py": 4}), o, TAX, today=TODAY)
    novice = fit(cand({"py": 1}), o, TAX, today=TODAY)
    assert novice.score < expert.score
    assert any("Python is asked at expert level; you list basic" in s for s in novice.explanation)


def test_verified_skills_count_a_bit_more() -> None:
    o = opp(essential=("py",))
    assert skills_value(cand({"py": (2, "verified")}), o) > skills_value(
        cand({"py": (2, "self")}), o
    )


def test_explanation_names_missing_skill_and_the_related_known_one() -> None:
    o = opp(essential=("py", "sql", "xl", "stats", "viz"))
    f = fit(cand({"py": 2, "pg": 3, "xl": 2, "stats": 2, "viz": 2}), o, TAX, today=TODAY)
    assert f.explanation[0] == (
        "You have 4 of 5 required skills (Python, Excel, statistics and 1 more); "
        "your PostgreSQL (Advanced) covers SQL."
    )
    assert 1 <= len(f.explanation) <= 5
    assert {x.name for x in f.factors} == {"skills"}


def test_explanation_lists_three_to_five_sentences_when_there_is_material() -> None:
    o = opp(essential=("sql", "docker"), nice=("talk",), text="SQL reporting dashboards for sales")
    c = cand(
        {"sql": 1, "talk": 2},
        goal_occupation_ids=("analyst",),
        text="I build dashboards and reporting in SQL",
    )
    f = fit(c, o, TAX, today=TODAY)
    assert 3 <= len(f.explanation) <= 5
    joined = " ".join(f.explanation)
    assert "Docker is missing" in joined
    assert "data analyst" in joined
    assert "dashboards" in joined
    assert {x.name for x in f.factors} == {"skills", "goals", "text"}
    assert abs(sum(x.weight for x in f.factors) - 1) < 1e-9
    assert abs(sum(x.contribution for x in f.factors) - f.score) < 1e-9


def test_goal_alignment_raises_the_score_for_goal_skills() -> None:
    o = opp(essential=("sql", "docker"))
    with_goal = fit(cand({"sql": 2}, goal_occupation_ids=("analyst",)), o, TAX, today=TODAY)
    goal = next(x for x in with_goal.factors if x.name == "goals")
    assert 0 < goal.value < 1  # docker is only optional for analysts
    assert "SQL" in goal.detail


def test_it_excludes_when_there_are_not_enough_hours_before_the_due_date() -> None:
    o = opp(essential=("py",), estimated_hours=20, due=TODAY + timedelta(days=13))
    busy = cand({"py": 3}, hours_per_week=5)
    f = fit(busy, o, TAX, today=TODAY)
    assert f.score == 0 and f.excluded
    assert "needs about 20 hours" in f.excluded_because[0]
    assert f.explanation[0] == f.excluded_because[0]
    assert not fit(cand({"py": 3}, hours_per_week=15), o, TAX, today=TODAY).excluded
    # Only the days inside the candidate's windows count.
    windowed = cand(
        {"py": 3},
        hours_per_week=15,
        available=(DateRange(TODAY + timedelta(days=10), TODAY + timedelta(days=30)),),
    )
    assert fit(windowed, o, TAX, today=TODAY).excluded


def test_it_excludes_on_place_time_zone_and_institution() -> None:
    onsite = opp(essential=("py",), work_mode="onsite", location=Place("DE", "Berlin"))
    assert (
        "you asked for remote work"
        in fit(
            cand({"py": 2}, remote_preference="remote"), onsite, TAX, today=TODAY
        ).excluded_because[0]
    )
    assert (
        "you are in FR"
        in fit(
            cand({"py": 2}, location=Place("FR", "Paris")), onsite, TAX, today=TODAY
        ).excluded_because[0]
    )
    assert not fit(
        cand({"py": 2}, location=Place("DE", "berlin")), onsite, TAX, today=TODAY
    ).excluded

    tz = opp(essential=("py",), tz_offset_hours=1, max_tz_difference_hours=3)
    assert fit(cand({"py": 2}, tz_offset_hours=-5), tz, TAX, today=TODAY).excluded
    assert not fit(cand({"py": 2}, tz_offset_hours=3), tz, TAX, today=TODAY).excluded
    assert not fit(  # +11 and -12 are one hour apart across the date line
        cand({"py": 2}, tz_offset_hours=-12),
        replace(tz, tz_offset_hours=11),
        TAX,
        today=TODAY,
    ).excluded

    closed = opp(visibility="institutions", allowed_institution_ids=frozenset({"uni-a"}))
    assert fit(cand(), closed, TAX, today=TODAY).excluded_because == [
        "It is open only to students of selected institutions."
    ]
    assert not fit(cand(institution_ids=frozenset({"uni-a"})), closed, TAX, today=TODAY).excluded


def test_text_model_discounts_common_words() -> None:
    corpus = ["team work sales", "team reporting", "team dashboards", "team support"]
    model = TextModel.fit(corpus)
    plain = TextModel()
    a, b = "team dashboards", "team sales"
    assert model.similarity(a, b)[0] < plain.similarity(a, b)[0]


def test_worth_names_learning_skills_growth_and_hourly_pay() -> None:
    o = opp(
        essential=("sql", "viz"),
        nice=("talk",),
        fee_minor=30000,
        estimated_hours=12,
        employer_stats=EmployerStats(follow_up_offer_rate=0.25, completed_engagements=8),
    )
    w = worth(cand({"sql": 2}, goal_occupation_ids=("analyst",)), o, TAX)
    assert w.hourly_pay_minor == 2500
    assert "25.00 EUR an hour" in w.hourly_pay.sentence
    assert w.learning_skill_ids == ("viz",)
    assert "data visualisation" in w.learning_value.sentence
    assert w.growth_potential.value == 0.25 and "25%" in w.growth_potential.sentence
    assert w.goal_fit.value is not None and abs(w.goal_fit.value - 2 / 3) < 1e-9
    newcomer = replace(o, employer_stats=EmployerStats(0.9, 1))
    assert worth(cand(), newcomer, TAX).growth_potential.value is None


def test_skill_gaps_rank_by_importance_and_name_builders() -> None:
    o1 = opp(essential=("stats",), id="o1")
    o2 = opp(nice=("stats",), essential=("xl",), id="o2")
    o3 = opp(essential=("stats",), id="o3")
    gaps = skill_gaps(cand({"py": 2, "pg": 2}), "analyst", TAX, [o2, o1, o3])
    assert [g.skill_id for g in gaps] == ["sql", "stats", "viz", "xl"]
    assert gaps[1].opportunities_that_build_it == ("o1", "o3", "o2")
    assert gaps[3].opportunities_that_build_it == ("o2",)
    assert gaps[0].opportunities_that_build_it == ()


SKILL_IDS = sorted(LABELS)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Candidate, Opportunity]:
    held = draw(st.dictionaries(st.sampled_from(SKILL_IDS), st.integers(1, 4), max_size=6))
    source = draw(st.sampled_from(["self", "resume", "verified"]))
    c = Candidate(
        id="c",
        skills={k: CandidateSkill(v, source) for k, v in held.items()},  # type: ignore[arg-type]
        text=draw(st.sampled_from(["", "python sql dashboards", "sales support"])),
        goal_occupation_ids=draw(st.sampled_from([(), ("analyst",)])),
        hours_per_week=draw(st.floats(0, 40)),
        tz_offset_hours=draw(st.floats(-12, 14)),
        remote_preference=draw(st.sampled_from(["remote", "onsite", "hybrid", "any"])),
        location=Place(draw(st.sampled_from(["", "DE", "FR"]))),
    )
    req = draw(
        st.lists(
            st.builds(
                RequiredSkill,
                st.sampled_from(SKILL_IDS),
                st.sampled_from(["essential", "nice"]),
                st.integers(1, 4),
            ),
            max_size=6,
        )
    )
    o = Opportunity(
        id="o",
        required_skills=tuple(req),
        text=draw(st.sampled_from(["", "sql reporting", "python dashboards"])),
        estimated_hours=draw(st.floats(5, 40)),
        due=draw(
            st.one_of(st.none(), st.dates(TODAY - timedelta(days=5), TODAY + timedelta(days=60)))
        ),
        work_mode=draw(st.sampled_from(["remote", "onsite", "hybrid"])),
        location=Place(draw(st.sampled_from(["", "DE", "FR"]))),
        max_tz_difference_hours=draw(st.one_of(st.none(), st.floats(0, 12))),
    )
    return c, o


@settings(max_examples=300, deadline=None)
@given(pairs())
def test_score_is_always_in_unit_interval_and_exclusion_means_zero(
    pair: tuple[Candidate, Opportunity],
) -> None:
    c, o = pair
    f = fit(c, o, TAX, today=TODAY)
    assert 0.0 <= f.score <= 1.0
    if f.excluded_because:
        assert f.score == 0.0
    assert all(0.0 <= x.value <= 1.0 for x in f.factors)
    assert len(f.explanation) >= 1
    assert f == fit(c, o, TAX, today=TODAY)
