from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from pathlib import Path

from stint_engine.retrieval import (
    CandidateFilters,
    CandidateIndex,
    OpportunityFilters,
    OpportunityIndex,
    SkillSpace,
    recommend_opportunities,
)
from stint_engine.scoring import Candidate, CandidateSkill, Opportunity, Place, RequiredSkill
from stint_engine.taxonomy import Occupation, Skill, Taxonomy

TODAY = date(2025, 3, 3)
N_SKILLS = 300


def make_taxonomy(n: int = N_SKILLS) -> Taxonomy:
    skills = [Skill(f"s{i:03d}", "", f"skill {i}", (), "skill", ()) for i in range(n)]
    # neighbours i <-> i+1 are related
    relations = [(f"s{i:03d}", f"s{i + 1:03d}", 0.5) for i in range(0, n - 1, 2)]
    occs = [Occupation("o1", "", "analyst", (), "2511", "")]
    return Taxonomy.from_parts(skills, occs, {"o1": (("s000", "s001"), ("s002",))}, relations)


TAX = make_taxonomy()
SPACE = SkillSpace.from_taxonomy(TAX)


def candidate(cid: str, skills: list[int], **kw: object) -> Candidate:
    c = Candidate(id=cid, skills={f"s{i:03d}": CandidateSkill(3, "resume") for i in skills})
    return replace(c, **kw)  # type: ignore[arg-type]


def opportunity(oid: str, skills: list[int], **kw: object) -> Opportunity:
    o = Opportunity(
        id=oid,
        required_skills=tuple(RequiredSkill(f"s{i:03d}") for i in skills),
        estimated_hours=10,
        fee_minor=20000,
    )
    return replace(o, **kw)  # type: ignore[arg-type]


def ids(results: list[tuple[str, float]]) -> list[str]:
    return [i for i, _ in results]


def test_opportunity_index_add_update_remove_are_reflected() -> None:
    index = OpportunityIndex(SPACE)
    index.add(opportunity("a", [1, 2]))
    index.add(opportunity("b", [7, 9]))
    me = candidate("me", [1, 2])
    assert ids(index.search(me, 5)) == ["a"]
    index.update(opportunity("b", [1, 2, 5]))
    assert ids(index.search(me, 5)) == ["a", "b"]
    assert index.remove("a")
    assert ids(index.search(me, 5)) == ["b"]
    assert not index.remove("a")
    assert len(index) == 1


def test_opportunity_index_scores_related_skills_partially() -> None:
    index = OpportunityIndex(SPACE)
    index.add(opportunity("exact", [4]))
    index.add(opportunity("related", [5]))  # s004 ~ s005
    results = dict(index.search(candidate("me", [4]), 5))
    assert results["exact"] > results["related"] > 0


def test_opportunity_filters_are_respected() -> None:
    index = OpportunityIndex(SPACE)
    index.add_many(
        [
            opportunity("remote", [1]),
            opportunity("berlin", [1], work_mode="onsite", location=Place("DE", "Berlin")),
            opportunity("cheap", [1], fee_minor=500),
            opportunity("long", [1], estimated_hours=40),
            opportunity("closed", [1], apply_by=date(2025, 3, 1)),
            opportunity(
                "uni", [1], visibility="institutions", allowed_institution_ids=frozenset({"u1"})
            ),
            opportunity("soon", [1], due=date(2025, 3, 9), estimated_hours=30),
            opportunity("other", [2]),
        ]
    )
    me = candidate("me", [1], location=Place("FR", "Paris"), hours_per_week=10)
    everything = set(ids(index.search(me, 20)))
    assert {"remote", "berlin", "cheap", "uni", "closed"} <= everything
    mine = set(ids(index.search(me, 20, OpportunityFilters.for_candidate(me, TODAY))))
    assert mine == {"remote", "cheap", "long", "other"} - {"other"}  # s002 has no credit from s001
    assert "uni" in ids(
        index.search(
            replace(me, institution_ids=frozenset({"u1"})),
            20,
            OpportunityFilters(institution_ids=frozenset({"u1"})),
        )
    )
    assert set(ids(index.search(me, 20, OpportunityFilters(min_pay_per_hour_minor=1000)))) == (
        everything - {"cheap", "long", "soon"}
    )
    assert "long" not in ids(index.search(me, 20, OpportunityFilters(max_hours=20)))
    assert ids(index.search(me, 20, OpportunityFilters(skills=("s002",)))) == []


def test_recommendations_come_with_fit_explanations() -> None:
    index = OpportunityIndex(SPACE)
    opps = {o.id: o for o in (opportunity("a", [0, 1]), opportunity("b", [0, 3]))}
    index.add_many(opps.values())
    got = recommend_opportunities(
        index, candidate("me", [0, 1]), opps.__getitem__, TAX, today=TODAY
    )
    assert [i for i, _ in got] == ["a", "b"]
    assert got[0][1].explanation[0].startswith("You have all 2 required skills")


def test_opportunity_index_save_load_round_trip(tmp_path: Path) -> None:
    rng = random.Random(3)
    index = OpportunityIndex(SPACE)
    for i in range(300):
        index.add(
            opportunity(f"o{i}", rng.sample(range(60), 4), fee_minor=rng.randrange(1000, 90000))
        )
    index.remove("o5")
    index.save(tmp_path / "opps")
    again = OpportunityIndex.load(tmp_path / "opps")
    f = OpportunityFilters(min_pay_per_hour_minor=3000)
    for _ in range(20):
        me = candidate("me", rng.sample(range(60), 6))
        assert again.search(me, 20, f) == index.search(me, 20, f)
    again.add(opportunity("new", [1]))  # still writable after loading
    assert "new" in again


def test_candidate_index_add_update_remove_and_filters() -> None:
    index = CandidateIndex(SPACE)
    index.add_many(
        [
            candidate("ann", [1, 2, 3]),
            candidate("bob", [1, 2], remote_preference="remote"),
            candidate("cy", [8, 9], institution_ids=frozenset({"u1"})),
        ]
    )
    job = opportunity("j", [1, 2, 3])
    assert ids(index.search(job, 5)) == ["ann", "bob"]
    index.update(candidate("cy", [1, 2, 3, 4], institution_ids=frozenset({"u1"})))
    assert ids(index.search(job, 5))[:2] == ["ann", "cy"]
    onsite = replace(job, work_mode="onsite", location=Place("DE", "Berlin"))
    assert "bob" not in ids(index.search(job, 5, CandidateFilters.for_opportunity(onsite)))
    uni = replace(job, visibility="institutions", allowed_institution_ids=frozenset({"u1"}))
    assert ids(index.search(job, 5, CandidateFilters.for_opportunity(uni))) == ["cy"]
    index.remove("ann")
    assert ids(index.search(job, 5)) == ["cy", "bob"]
    index.compact()
    assert ids(index.search(job, 5)) == ["cy", "bob"]


def _population(n: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    return [
        candidate(
            f"c{i}",
            rng.sample(range(N_SKILLS), rng.randrange(3, 12)),
            remote_preference=rng.choice(["any", "remote", "onsite"]),
            location=Place(rng.choice(["DE", "FR"])),
        )
        for i in range(n)
    ]


def test_candidate_search_matches_brute_force_and_survives_save_load(tmp_path: Path) -> None:
    rng = random.Random(5)
    index = CandidateIndex(SPACE)
    index.add_many(_population(3000, 1))
    for c in _population(200, 2)[:50]:  # updates after the postings were built
        index.update(replace(c, id=f"c{rng.randrange(3000)}"))
    index.remove("c7")
    index.save(tmp_path / "cands")
    again = CandidateIndex.load(tmp_path / "cands")
    for j in range(20):
        job = opportunity(
            f"j{j}", rng.sample(range(N_SKILLS), 5), work_mode="onsite", location=Place("DE")
        )
        f = CandidateFilters.for_opportunity(job) if j % 2 else None
        exact = index.search_exact(job, 50, f)
        fast = index.search(job, 50, f)
        assert fast == exact
        assert again.search(job, 50, f) == fast
    again.compact(chunk=7)  # postings filled chunk by chunk give the same answers
    for j in range(5):
        job = opportunity(f"k{j}", rng.sample(range(N_SKILLS), 5))
        assert again.search(job, 50) == index.search_exact(job, 50)


def test_ann_recall_against_exact_scoring_on_a_small_random_set() -> None:
    index = CandidateIndex(SPACE, ann=True, dim=64, shortlist=400)
    index.add_many(_population(4000, 9))
    rng = random.Random(4)
    hits = total = 0
    for j in range(30):
        job = opportunity(f"j{j}", rng.sample(range(N_SKILLS), 5))
        exact = index.search_exact(job, 50)
        approx = index.search_ann(job, 50)
        # count a result as found when it scores at least as high as the k-th exact one
        floor = exact[-1][1] - 1e-6
        hits += min(len(exact), sum(1 for _, s in approx if s >= floor))
        total += len(exact)
    assert hits / total >= 0.95
