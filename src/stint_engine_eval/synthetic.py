"""Synthetic candidates and opportunities drawn from a real taxonomy, for
benchmarks and tests: skills are sampled from occupation profiles (ESCO
essential/optional links) with a fixed seed, plus a little noise."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from stint_engine.retrieval.space import SkillTaxonomy
from stint_engine.scoring.model import (
    Candidate,
    CandidateSkill,
    EmployerStats,
    Opportunity,
    Place,
    RequiredSkill,
)

COUNTRIES = ("DE", "FR", "NL", "ES", "IT", "GB", "US", "IN", "NG", "BR")
CITIES = ("north", "south", "east", "west", "centre")
INSTITUTIONS = tuple(f"inst-{i}" for i in range(20))
SOURCES = ("self", "resume", "verified")
PREFS = ("any", "remote", "remote", "hybrid", "onsite")
MODES = ("remote", "remote", "remote", "hybrid", "onsite")


class Profiles:
    def __init__(self, taxonomy: SkillTaxonomy, min_essential: int = 5) -> None:
        self.taxonomy = taxonomy
        occs = getattr(taxonomy, "occupations", {})
        self.occupations: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
        for oid in sorted(occs):
            ess, opt = taxonomy.occupation_skills(oid)
            if len(ess) >= min_essential:
                self.occupations.append((oid, ess, opt))
        self.all_skills = sorted(taxonomy.skills)

    def occupation_label(self, oid: str) -> str:
        return str(getattr(self.taxonomy, "occupations", {})[oid].label)

    def label(self, sid: str) -> str:
        return self.taxonomy.skill(sid).label


def candidates(profiles: Profiles, n: int, seed: int = 7) -> Iterator[Candidate]:
    rng = random.Random(seed)
    occs = profiles.occupations
    for i in range(n):
        oid, ess, opt = occs[(rng.randrange(len(occs)))]
        n_ess = rng.randrange(3, min(len(ess), 12) + 1)
        chosen = {ess[j] for j in rng.sample(range(len(ess)), n_ess)}
        if opt:
            for j in rng.sample(range(len(opt)), min(len(opt), rng.randrange(0, 4))):
                chosen.add(opt[j])
        for _ in range(rng.randrange(0, 3)):
            chosen.add(profiles.all_skills[(rng.randrange(len(profiles.all_skills)))])
        skills = {
            s: CandidateSkill((rng.randrange(1, 5)), SOURCES[(rng.randrange(3))])  # type: ignore[arg-type]
            for s in sorted(chosen)
        }
        goal = oid if rng.random() < 0.5 else occs[(rng.randrange(len(occs)))][0]
        labels = [profiles.label(s) for s in list(skills)[:4]]
        yield Candidate(
            id=f"c{i}",
            skills=skills,
            text=f"Student interested in {profiles.occupation_label(goal)}; " + ", ".join(labels),
            goal_occupation_ids=(goal,),
            hours_per_week=float(rng.randrange(4, 41)),
            location=Place(COUNTRIES[(rng.randrange(len(COUNTRIES)))], CITIES[(rng.randrange(5))]),
            tz_offset_hours=float(rng.randrange(-8, 10)),
            remote_preference=PREFS[(rng.randrange(len(PREFS)))],  # type: ignore[arg-type]
            institution_ids=frozenset({INSTITUTIONS[(rng.randrange(len(INSTITUTIONS)))]})
            if rng.random() < 0.6
            else frozenset(),
        )


def opportunities(
    profiles: Profiles, n: int, seed: int = 11, today: date = date(2025, 3, 3)
) -> Iterator[Opportunity]:
    rng = random.Random(seed)
    occs = profiles.occupations
    for i in range(n):
        oid, ess, opt = occs[(rng.randrange(len(occs)))]
        n_ess = rng.randrange(2, min(len(ess), 6) + 1)
        req = [
            RequiredSkill(ess[j], "essential", (rng.randrange(1, 4)))
            for j in sorted(rng.sample(range(len(ess)), n_ess))
        ]
        if opt:
            n_nice = min(len(opt), (rng.randrange(0, 4)))
            req += [
                RequiredSkill(opt[j], "nice", 2)
                for j in sorted(rng.sample(range(len(opt)), n_nice))
            ]
        hours = float(rng.randrange(5, 41))
        start = today + timedelta(days=(rng.randrange(-5, 30)))
        restricted = rng.random() < 0.1
        labels = ", ".join(profiles.label(r.skill_id) for r in req)
        yield Opportunity(
            id=f"o{i}",
            required_skills=tuple(req),
            text=f"{profiles.occupation_label(oid)} project: {labels}",
            estimated_hours=hours,
            fee_minor=int(hours * rng.randrange(800, 4000)),
            currency="EUR",
            start=start,
            apply_by=start - timedelta(days=1),
            due=start + timedelta(days=(rng.randrange(7, 60))),
            work_mode=MODES[(rng.randrange(len(MODES)))],  # type: ignore[arg-type]
            location=Place(COUNTRIES[(rng.randrange(len(COUNTRIES)))], CITIES[(rng.randrange(5))]),
            tz_offset_hours=float(rng.randrange(-8, 10)),
            max_tz_difference_hours=float(rng.randrange(2, 12)) if rng.random() < 0.3 else None,
            visibility="institutions" if restricted else "public",
            allowed_institution_ids=frozenset({INSTITUTIONS[(rng.randrange(20))]})
            if restricted
            else frozenset(),
            employer_id=f"e{(rng.randrange(2000))}",
            employer_stats=EmployerStats(float(rng.random()), (rng.randrange(0, 30))),
        )
