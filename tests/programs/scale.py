"""A big synthetic cohort built with bulk_create: used by the 5,000-student test and
by bench/bench_program_allocation.py. Popularity is skewed (a few projects are
wanted by many) so the allocation has real competition."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.opportunities.models import Opportunity
from stint.orgs.models import Affiliation, Organisation
from stint.programs.models import (
    CohortMember,
    Program,
    ProgramOpportunity,
    ProposalStatus,
    StudentRanking,
)


@transaction.atomic
def build_cohort(
    *,
    institution: Organisation,
    employer: Organisation,
    staff: User,
    students: int = 5000,
    projects: int = 300,
    choices: int = 5,
    seed: int = 7,
    prefix: str = "scale",
) -> Program:
    rng = np.random.default_rng(seed)
    now = timezone.now()
    if employer.verified_at is None:
        employer.verified_at = now
        employer.save(update_fields=["verified_at"])
    program = Program.objects.create(
        institution=institution,
        name=f"{prefix} cohort",
        status="ranking",
        ranking_opens=now - timedelta(days=2),
        ranking_closes=now - timedelta(minutes=1),
        created_by=staff,
    )
    openings = rng.integers(5, 25, size=projects)  # ~4,500 places for 5,000 students
    opps = Opportunity.objects.bulk_create(
        [
            Opportunity(
                employer=employer,
                created_by=staff,
                title=f"{prefix} project {i}",
                summary="Synthetic.",
                estimated_hours=10,
                fee_minor=10_000,
                status="published",
                published_at=now,
                openings=int(openings[i]),
            )
            for i in range(projects)
        ],
        batch_size=500,
    )
    entries = ProgramOpportunity.objects.bulk_create(
        [
            ProgramOpportunity(
                program=program,
                opportunity=o,
                openings=int(openings[i]),
                status=ProposalStatus.ACCEPTED,
                proposed_by_side="institution",
            )
            for i, o in enumerate(opps)
        ],
        batch_size=500,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@uni.example.edu", full_name=f"Student {i}", password="!")
            for i in range(students)
        ],
        batch_size=1000,
    )
    if not users[0].pk:  # backends that do not return ids
        users = list(User.objects.filter(email__startswith=prefix).order_by("pk"))
    Affiliation.objects.bulk_create(
        [Affiliation(user=u, institution=institution, email=u.email) for u in users],
        batch_size=1000,
    )
    CohortMember.objects.bulk_create(
        [CohortMember(program=program, student=u) for u in users], batch_size=1000
    )
    popularity = rng.permutation(1.0 / (np.arange(projects) + 5.0) ** 0.8)
    popularity /= popularity.sum()
    rows = []
    for u in users:
        picks = rng.choice(projects, size=choices, replace=False, p=popularity)
        fits = rng.random(choices)
        for r, (p, f) in enumerate(zip(picks.tolist(), fits.tolist(), strict=True), start=1):
            rows.append(
                StudentRanking(
                    program=program, student=u, entry=entries[p], rank=r, fit_score=round(f, 4)
                )
            )
    StudentRanking.objects.bulk_create(rows, batch_size=5000)
    return program
