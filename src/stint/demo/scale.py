"""Scale data for load tests: many published opportunities and many candidates
whose skill mixes come from ESCO occupations' essential (and some optional)
skills, so the engine's indexes see realistic overlap. Written with
`bulk_create` in batches (no services, no side effects, no notifications).

Idempotent through a marker organisation: it records what was generated, and a
second run only tops up to the numbers asked for. Scale rows are recognisable:
employers' slugs start with `scale-employer-`, candidates' emails end with
`@scale.stint.local`, and every scale candidate's password is the demo one.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.matching.engine import taxonomy
from stint.opportunities.models import (
    Opportunity,
    OpportunityStatus,
    RequiredSkill,
    Visibility,
    WorkMode,
)
from stint.opportunities.services import refresh_search_text
from stint.orgs.models import Organisation, OrgKind
from stint.profiles.models import (
    AvailabilityWindow,
    CandidateProfile,
    CareerGoal,
    Education,
    SkillClaim,
)

MARKER_SLUG = "stint-scale-data"
EMPLOYER_PREFIX = "scale-employer-"
EMAIL_DOMAIN = "scale.stint.local"
EMPLOYERS = 250
BATCH = 2000
SEED = 2026


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Amara Aiko Bruno Chen Dara Elif Farah Goran Hana Ivan Jonas Kemi Lars Lina "
    "Malik Mei Nadia Omar Priya Quinn Rosa Sami Tomas Uma Vera Wen Yusuf Zoe Ines "
    "Kofi Leila Mateo"
)
LAST = _words(
    "Adeyemi Bauer Costa Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen "
    "Kowalski Lopez Moreau Nakamura Okoro Petrov Quinn Rossi Silva Tanaka Urban "
    "Varga Weber Xu Yilmaz Zhang"
)
EMPLOYER_WORDS = _words(
    "Harbour Summit Cedar Lumen Orbit Meadow Atlas Beacon Copper Delta Ember Fjord "
    "Granite Horizon Indigo Juniper Kestrel Lattice Maple Nimbus"
)
EMPLOYER_KINDS = ("Labs", "Studio", "Partners", "Collective", "Works", "Health", "Analytics")
TITLE_PATTERNS = (
    "{occ}: a short project",
    "Help our team as a {occ} for a few weeks",
    "{skill} for a small team",
    "Project support: {skill}",
    "Junior {occ} project",
)
SCHOOLS = (
    "University of Example",
    "Northgate University",
    "Lakeshore Community College",
    "Westbrook School of Design",
    "Riverside Institute of Technology",
)
PLACES = (
    ("GB", "London", "Europe/London"),
    ("GB", "Leeds", "Europe/London"),
    ("DE", "Berlin", "Europe/Berlin"),
    ("FR", "Lyon", "Europe/Paris"),
    ("ES", "Madrid", "Europe/Madrid"),
    ("US", "Chicago", "America/Chicago"),
    ("US", "New York", "America/New_York"),
    ("CA", "Toronto", "America/Toronto"),
    ("KE", "Nairobi", "Africa/Nairobi"),
    ("IN", "Bengaluru", "Asia/Kolkata"),
)
CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP")


@dataclass(frozen=True)
class Occ:
    id: str
    label: str
    essential: tuple[str, ...]
    optional: tuple[str, ...]


@lru_cache(maxsize=1)
def occupations() -> tuple[Occ, ...]:
    """ESCO occupations with at least four essential skills, in a stable order."""
    tax = taxonomy()
    out = []
    for occ in sorted(tax.occupations.values(), key=lambda o: o.id):
        essential, optional = tax.occupation_skills(occ.id)
        essential = tuple(s for s in essential if s in tax.skills)
        if len(essential) >= 4:
            optional = tuple(s for s in optional if s in tax.skills)
            out.append(Occ(occ.id, occ.label, essential, optional))
    return tuple(out)


def _label(skill_id: str) -> str:
    return taxonomy().skill(skill_id).label


@dataclass
class ScaleResult:
    opportunities_created: int
    candidates_created: int
    opportunities_total: int
    candidates_total: int


Progress = Callable[[str, int], None]  # (what, how many more rows) → None


def _chunks(total: int, size: int) -> Iterator[int]:
    done = 0
    while done < total:
        n = min(size, total - done)
        yield n
        done += n


def _employers() -> list[Organisation]:
    existing = {o.slug: o for o in Organisation.objects.filter(slug__startswith=EMPLOYER_PREFIX)}
    now = timezone.now()
    rng = random.Random(SEED)
    missing = []
    for i in range(EMPLOYERS):
        slug = f"{EMPLOYER_PREFIX}{i:04d}"
        if slug in existing:
            continue
        name = f"{rng.choice(EMPLOYER_WORDS)} {rng.choice(EMPLOYER_KINDS)} {i:04d}"
        missing.append(
            Organisation(
                kind=OrgKind.EMPLOYER,
                slug=slug,
                name=name,
                website=f"https://{slug}.example.com",
                description="A generated employer for load tests.",
                verified_at=now,
            )
        )
    Organisation.objects.bulk_create(missing, batch_size=BATCH)
    return list(Organisation.objects.filter(slug__startswith=EMPLOYER_PREFIX).order_by("slug"))


def _opportunity_rows(
    rng: random.Random,
    n: int,
    employers: list[Organisation],
    today: date,
    institution_ids: list[int],
) -> tuple[list[Opportunity], list[list[RequiredSkill]], list[bool]]:
    occs = occupations()
    now = timezone.now()
    rows, skills, exclusive = [], [], []
    for _ in range(n):
        occ = rng.choice(occs)
        chosen = rng.sample(occ.essential, min(len(occ.essential), rng.randint(3, 6)))
        nice = rng.sample(occ.optional, min(len(occ.optional), rng.randint(0, 2)))
        labels = [_label(s) for s in chosen]
        title = rng.choice(TITLE_PATTERNS).format(occ=occ.label, skill=labels[0])
        title = title[0].upper() + title[1:]
        hours = rng.randint(5, 40)
        rate = rng.randint(20, 45)
        mode = rng.choices(WorkMode.values, weights=(70, 20, 10))[0]
        country, city, tz = rng.choice(PLACES)
        apply_by = today + timedelta(days=rng.randint(5, 60))
        start = apply_by + timedelta(days=rng.randint(1, 7))
        status = rng.choices(
            (OpportunityStatus.PUBLISHED, OpportunityStatus.DRAFT, OpportunityStatus.CLOSED),
            weights=(96, 2, 2),
        )[0]
        is_exclusive = bool(institution_ids) and rng.random() < 0.02
        created = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
        rows.append(
            Opportunity(
                employer=rng.choice(employers),
                title=title[:140],
                summary=(
                    f"We need help from someone working towards a {occ.label} role. "
                    f"The work centres on {', '.join(labels[:-1])} and {labels[-1]}. "
                    f"About {hours} hours in total, with a named contact who answers "
                    "questions within a day."
                ),
                deliverables="\n".join(f"A short write-up of the {lab} work" for lab in labels[:2]),
                industry=occ.label.split()[-1][:80],
                estimated_hours=hours,
                fee_minor=hours * rate * 100,
                currency=rng.choice(CURRENCIES),
                apply_by=apply_by,
                start_date=start,
                due_date=start + timedelta(days=rng.randint(7, 42)),
                work_mode=mode,
                location_country="" if mode == WorkMode.REMOTE else country,
                location_city="" if mode == WorkMode.REMOTE else city,
                time_zone=tz,
                openings=rng.choice((1, 1, 1, 2, 3)),
                visibility=Visibility.INSTITUTIONS if is_exclusive else Visibility.PUBLIC,
                status=status,
                created_at=created,
                updated_at=created,
                published_at=created if status != OpportunityStatus.DRAFT else None,
                closed_at=now if status == OpportunityStatus.CLOSED else None,
            )
        )
        skills.append(
            [
                RequiredSkill(
                    skill_id=s, label=_label(s), need="essential", level=rng.randint(1, 3)
                )
                for s in chosen
            ]
            + [
                RequiredSkill(skill_id=s, label=_label(s), need="nice", level=rng.randint(1, 3))
                for s in nice
                if s not in chosen
            ]
        )
        exclusive.append(is_exclusive)
    return rows, skills, exclusive


def _seed_opportunities(
    rng: random.Random, n: int, progress: Progress | None, institution_ids: list[int]
) -> None:
    employers = _employers()
    today = timezone.localdate()
    through = Opportunity.allowed_institutions.through
    for size in _chunks(n, BATCH):
        rows, skills, exclusive = _opportunity_rows(rng, size, employers, today, institution_ids)
        with transaction.atomic():
            Opportunity.objects.bulk_create(rows, batch_size=BATCH)
            required = []
            links = []
            for row, row_skills, is_exclusive in zip(rows, skills, exclusive, strict=True):
                for s in row_skills:
                    s.opportunity_id = row.pk
                required.extend(row_skills)
                if is_exclusive:
                    links.append(through(opportunity_id=row.pk, organisation_id=institution_ids[0]))
            RequiredSkill.objects.bulk_create(required, batch_size=BATCH * 4)
            through.objects.bulk_create(links, batch_size=BATCH)
            # Bulk rows skip the posting service, so fill the search column it maintains.
            refresh_search_text([row.pk for row in rows])
        if progress:
            progress("opportunities", size)


def _seed_candidates(rng: random.Random, start: int, n: int, progress: Progress | None) -> None:
    from stint.demo.world import DEMO_PASSWORD

    password = make_password(DEMO_PASSWORD)  # hashed once: every scale candidate shares it
    occs = occupations()
    today = timezone.localdate()
    now = timezone.now()
    index = start
    for size in _chunks(n, BATCH):
        users, plans = [], []
        for _ in range(size):
            email = f"candidate{index:06d}@{EMAIL_DOMAIN}"
            index += 1
            users.append(
                User(
                    email=email,
                    full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    is_candidate=True,
                    password=password,
                )
            )
            main = rng.choice(occs)
            pool = list(main.essential) + list(main.optional[:6])
            if rng.random() < 0.4:  # some people span two fields
                other = rng.choice(occs)
                pool += list(other.essential[:4])
            picked = list(dict.fromkeys(rng.sample(pool, min(len(pool), rng.randint(4, 10)))))
            plans.append((main, picked))
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=BATCH)
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
                batch_size=BATCH,
            )
            profiles = []
            for user, (main, _) in zip(users, plans, strict=True):
                country, city, tz = rng.choice(PLACES)
                profiles.append(
                    CandidateProfile(
                        user=user,
                        headline=f"Working towards a role as {main.label}"[:140],
                        location_country=country,
                        location_city=city,
                        time_zone=tz,
                        remote_preference=rng.choice(("any", "any", "remote", "hybrid")),
                        hours_per_week=rng.randint(5, 30),
                        updated_at=now,
                    )
                )
            CandidateProfile.objects.bulk_create(profiles, batch_size=BATCH)
            claims, goals, windows, studies = [], [], [], []
            for profile, (main, picked) in zip(profiles, plans, strict=True):
                claims.extend(
                    SkillClaim(
                        profile=profile,
                        skill_id=s,
                        label=_label(s),
                        level=rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0],
                    )
                    for s in picked
                )
                goals.append(CareerGoal(profile=profile, occupation_id=main.id, label=main.label))
                begin = today + timedelta(days=rng.randint(-10, 30))
                windows.append(
                    AvailabilityWindow(
                        profile=profile,
                        start=begin,
                        end=begin + timedelta(days=rng.randint(30, 120)),
                    )
                )
                studies.append(
                    Education(
                        profile=profile,
                        institution_name=rng.choice(SCHOOLS),
                        degree=rng.choice(("BSc", "BA", "MSc", "Certificate")),
                        major=main.label[:120],
                        graduation_year=today.year + rng.randint(-3, 3),
                    )
                )
            SkillClaim.objects.bulk_create(claims, batch_size=BATCH * 4)
            CareerGoal.objects.bulk_create(goals, batch_size=BATCH)
            AvailabilityWindow.objects.bulk_create(windows, batch_size=BATCH)
            Education.objects.bulk_create(studies, batch_size=BATCH)
        if progress:
            progress("candidates", size)


def counts() -> tuple[int, int]:
    """(scale opportunities, scale candidates) in the database now."""
    return (
        Opportunity.objects.filter(employer__slug__startswith=EMPLOYER_PREFIX).count(),
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count(),
    )


def seed_scale(
    *, opportunities: int, candidates: int, progress: Progress | None = None
) -> ScaleResult:
    """Top the scale data up to `opportunities` and `candidates`; a second run
    with the same numbers adds nothing."""
    have_opps, have_cands = counts()
    marker = Organisation.objects.filter(slug=MARKER_SLUG).first()
    add_opps = max(opportunities - have_opps, 0)
    add_cands = max(candidates - have_cands, 0)
    # A different seed per top-up keeps new rows from repeating the old ones.
    rng = random.Random(SEED + have_opps * 7 + have_cands)
    institution_ids = list(
        Organisation.objects.filter(
            kind=OrgKind.INSTITUTION, slug="university-of-example"
        ).values_list("pk", flat=True)
    )
    if add_opps:
        _seed_opportunities(rng, add_opps, progress, institution_ids)
    if add_cands:
        _seed_candidates(rng, have_cands, add_cands, progress)
    total_opps, total_cands = have_opps + add_opps, have_cands + add_cands
    record = json.dumps({"opportunities": total_opps, "candidates": total_cands})
    if marker is None:
        Organisation.objects.create(
            kind=OrgKind.EMPLOYER,
            slug=MARKER_SLUG,
            name="Scale data (generated)",
            description=record,
        )
    elif marker.description != record:
        marker.description = record
        marker.save(update_fields=["description"])
    return ScaleResult(add_opps, add_cands, total_opps, total_cands)
