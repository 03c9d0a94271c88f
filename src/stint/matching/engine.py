"""The one thin adapter between Django rows and `stint_engine`.

Everything the web app asks of the engine goes through here: taxonomy look-ups
for autocomplete, text understanding (skill suggestions, resume text, career
goals), and fit/worth for a candidate and an opportunity. Engine objects never
leak into templates or API schemas: callers get plain dicts/dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.apps import apps
from django.utils import timezone

from stint_engine import ENGINE_VERSION
from stint_engine.scoring import model as em
from stint_engine.scoring.explain import match_help
from stint_engine.scoring.fit import fit as engine_fit
from stint_engine.scoring.worth import worth as engine_worth
from stint_engine.taxonomy import Taxonomy
from stint_engine.taxonomy.names import plain_name
from stint_engine.text import normalise_title, read_resume
from stint_engine.text.named import suggest_from_text

if TYPE_CHECKING:
    from stint.accounts.models import User
    from stint.opportunities.models import Opportunity
    from stint.profiles.models import CandidateProfile

__all__ = [
    "ENGINE_VERSION",
    "FitView",
    "candidate_data",
    "employer_stats_for",
    "fit_for",
    "fit_of",
    "fit_view",
    "fits_about",
    "occupation_label",
    "opportunity_data",
    "resume_to_text",
    "search_occupations",
    "search_skills",
    "skill_label",
    "skill_name",
    "suggest_skills",
    "taxonomy",
    "worth_for",
    "worth_of",
]


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def skill_label(skill_id: str) -> str | None:
    try:
        return taxonomy().skill(skill_id).label
    except KeyError:
        return None


def skill_name(skill_id: str) -> str | None:
    """The plain name people use ("spreadsheets" for "use spreadsheets software");
    pages show it with the ESCO label (`skill_label`) on hover."""
    try:
        return plain_name(taxonomy().skill(skill_id))
    except KeyError:
        return None


def occupation_label(occupation_id: str) -> str | None:
    occ = taxonomy().occupations.get(occupation_id)
    return occ.label if occ else None


def search_skills(query: str, k: int = 10) -> list[dict[str, str]]:
    query = query.strip()
    if not query:
        return []
    return [
        {"id": s.id, "label": s.label, "kind": s.kind} for s in taxonomy().search_skills(query, k)
    ]


def search_occupations(query: str, k: int = 10) -> list[dict[str, Any]]:
    query = query.strip()
    if not query:
        return []
    return [
        {"id": occ.id, "label": occ.label, "score": round(score, 4)}
        for occ, score in normalise_title(query, k, taxonomy=taxonomy())
    ]


def suggest_skills(text: str, limit: int = 25) -> list[dict[str, Any]]:
    """Distinct skills found in `text`, best evidence first: skills it names outright
    ("Python, SQL, Tableau"), then skills the span tagger reads in its prose."""
    tx = taxonomy()
    out = []
    for m in suggest_from_text(text, tx)[:limit]:
        skill = tx.skills.get(m.skill_id)
        out.append(
            {
                "id": m.skill_id,
                "label": m.label,
                "name": plain_name(skill) if skill is not None else m.label,
                "confidence": round(m.confidence, 3),
                "evidence": text[m.start : m.end],
            }
        )
    return out


def resume_to_text(data: bytes, filename: str) -> str:
    """Raises ValueError with a reason when the file cannot be read."""
    return read_resume(data, filename)


# --- Django rows → engine data ---------------------------------------------------------


def _tz_offset_hours(name: str, when: datetime | None = None) -> float:
    try:
        zone = ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    offset = (when or timezone.now()).astimezone(zone).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def _institution_ids(user: User) -> frozenset[str]:
    affiliation = apps.get_model("orgs", "Affiliation")
    return frozenset(
        str(i)
        for i in affiliation.objects.filter(user=user).values_list("institution_id", flat=True)
    )


def candidate_data(
    user: User,
    profile: CandidateProfile | None = None,
    *,
    institution_ids: frozenset[str] | None = None,
) -> em.Candidate:
    """The engine's view of a candidate. Pass `profile` (with skills, goals and
    windows prefetched) and `institution_ids` when building many at once."""
    if profile is None:
        profile_model = apps.get_model("profiles", "CandidateProfile")
        profile = profile_model.objects.filter(user=user).first()
    if institution_ids is None:
        institution_ids = _institution_ids(user)
    if profile is None:
        return em.Candidate(id=str(user.pk), institution_ids=institution_ids)
    skills = {
        s.skill_id: em.CandidateSkill(level=s.level, source=s.source)  # type: ignore[arg-type]
        for s in profile.skills.all()
    }
    text = " ".join(filter(None, [profile.headline, profile.bio, profile.resume_text[:5000]]))
    return em.Candidate(
        id=str(user.pk),
        skills=skills,
        text=text,
        goal_occupation_ids=tuple(g.occupation_id for g in profile.goals.all()),
        hours_per_week=float(profile.hours_per_week),
        available=tuple(em.DateRange(w.start, w.end) for w in profile.windows.all()),
        location=em.Place(country=profile.location_country.upper(), city=profile.location_city),
        tz_offset_hours=_tz_offset_hours(profile.time_zone),
        remote_preference=profile.remote_preference,  # type: ignore[arg-type]
        institution_ids=institution_ids,
    )


def opportunity_data(
    opportunity: Opportunity, employer_stats: em.EmployerStats | None = None
) -> em.Opportunity:
    # Invite-only work is never recommended to anyone: it is "institution-only"
    # with no institution, so no one is eligible through the index.
    visibility = "public" if opportunity.visibility == "public" else "institutions"
    return em.Opportunity(
        id=str(opportunity.pk),
        required_skills=tuple(
            em.RequiredSkill(skill_id=r.skill_id, need=r.need, level=r.level)  # type: ignore[arg-type]
            for r in opportunity.skills.all()
        ),
        text=" ".join([opportunity.title, opportunity.summary, opportunity.deliverables]),
        estimated_hours=float(opportunity.estimated_hours),
        fee_minor=opportunity.fee_minor,
        currency=opportunity.currency,
        start=opportunity.start_date,
        apply_by=opportunity.apply_by,
        due=opportunity.due_date,
        work_mode=opportunity.work_mode,  # type: ignore[arg-type]
        location=em.Place(
            country=opportunity.location_country.upper(), city=opportunity.location_city
        ),
        tz_offset_hours=_tz_offset_hours(opportunity.time_zone),
        max_tz_difference_hours=(
            float(opportunity.max_tz_difference_hours)
            if opportunity.max_tz_difference_hours is not None
            else None
        ),
        visibility=visibility,  # type: ignore[arg-type]
        allowed_institution_ids=frozenset()
        if opportunity.visibility == "invite_only"
        else frozenset(
            str(org.pk)
            for org in opportunity.allowed_institutions.all()  # uses a prefetch
        ),
        employer_id=str(opportunity.employer_id),
        employer_stats=employer_stats or em.EmployerStats(),
    )


def employer_stats_for(employer_ids: Iterable[int]) -> dict[int, em.EmployerStats]:
    """Growth potential per employer: completed (paid or resolved) engagements and
    the share of them followed by a follow-up offer that was not withdrawn.
    Employers with no history get EmployerStats() (unknown)."""
    from django.db.models import Count, Exists, OuterRef, Q

    ids = list(set(employer_ids))
    engagement = apps.get_model("engagements", "Engagement")
    follow_up = apps.get_model("reviews", "FollowUpOffer")
    rows = (
        engagement.objects.filter(employer_id__in=ids, status__in=("paid", "resolved"))
        .annotate(
            followed=Exists(
                follow_up.objects.filter(engagement=OuterRef("pk")).exclude(status="withdrawn")
            )
        )
        .values("employer_id")
        .annotate(total=Count("id"), followed_n=Count("id", filter=Q(followed=True)))
    )
    out = {i: em.EmployerStats() for i in ids}
    for row in rows:
        total = row["total"]
        out[row["employer_id"]] = em.EmployerStats(
            follow_up_offer_rate=round(row["followed_n"] / total, 4) if total else None,
            completed_engagements=total,
        )
    return out


# --- Scores -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitView:
    """What pages and the API show of a fit, worded for one reader.

    `score` is the engine's raw score (kept for the API and ordering);
    `match_percent` is it against someone with every asked skill at the asked
    level, and `band` / `band_label` name it ("strong" / "Strong match");
    `match_help` says what the number means. `skills` are the per-skill facts
    (plain `name`, ESCO `label`, `status` have / related / missing, the covering
    skill `via_name` with `via_level`)."""

    score: float
    excluded_because: list[str]
    explanation: list[str]
    factors: list[dict[str, Any]]
    engine_version: str = ENGINE_VERSION
    match_percent: int = 0
    band: str = ""
    band_label: str = ""
    match_help: str = ""
    reader: str = "candidate"
    skills: list[dict[str, Any]] = field(default_factory=list)
    result: Any = field(default=None, repr=False, compare=False)  # the engine's Fit

    def read_by(self, reader: em.Reader, name: str = "") -> FitView:
        """The same fit worded for another reader (an employer reads "Ada has …")."""
        return fit_view(self.result, reader=reader, name=name) if self.result else self


def fit_for(
    user: User,
    opportunity: Opportunity,
    *,
    today: date | None = None,
    reader: em.Reader = "candidate",
    name: str = "",
) -> FitView:
    """`reader="employer"` words it for the employer, about the candidate `name`
    (defaults to the user's display name)."""
    if reader == "employer" and not name:
        name = str(getattr(user, "display_name", "") or "")
    return fit_of(
        candidate_data(user), opportunity_data(opportunity), today=today, reader=reader, name=name
    )


def fit_of(
    candidate: em.Candidate,
    opportunity: em.Opportunity,
    *,
    today: date | None = None,
    reader: em.Reader = "candidate",
    name: str = "",
) -> FitView:
    result = engine_fit(candidate, opportunity, taxonomy(), today=today or timezone.localdate())
    return fit_view(result, reader=reader, name=name)


def fits_about(
    users: Iterable[User], opportunity: Opportunity, *, today: date | None = None
) -> list[FitView]:
    """Each user's fit for one opportunity, worded for its employer ("Ada has …"),
    in the given order. A fixed number of queries however many users: profiles
    with their skills, goals and windows, and affiliations are read in bulk."""
    people = list(users)
    if not people:
        return []
    target = opportunity_data(opportunity)
    profile_model = apps.get_model("profiles", "CandidateProfile")
    profiles = {
        p.user_id: p
        for p in profile_model.objects.filter(user__in=people).prefetch_related(
            "skills", "goals", "windows"
        )
    }
    affiliation = apps.get_model("orgs", "Affiliation")
    institutions: dict[int, set[str]] = {}
    for user_id, institution_id in affiliation.objects.filter(user__in=people).values_list(
        "user_id", "institution_id"
    ):
        institutions.setdefault(user_id, set()).add(str(institution_id))
    out = []
    for u in people:
        profile = profiles.get(u.pk)
        ids = frozenset(institutions.get(u.pk, ()))
        candidate = (
            candidate_data(u, profile, institution_ids=ids)
            if profile is not None
            else em.Candidate(id=str(u.pk), institution_ids=ids)
        )
        name = str(getattr(u, "display_name", "") or "")
        out.append(fit_of(candidate, target, today=today, reader="employer", name=name))
    return out


def fit_view(result: Any, *, reader: em.Reader = "candidate", name: str = "") -> FitView:
    """A plain view of an engine `Fit`, worded for `reader` (the candidate by
    default; an employer reads about the candidate `name`)."""
    facts = getattr(result, "facts", None)
    worded = facts is not None and reader != "candidate"
    band, band_label = result.band if hasattr(result, "band") else ("", "")
    return FitView(
        score=round(result.score, 4),
        excluded_because=result.reasons(reader, name) if worded else list(result.excluded_because),
        explanation=result.sentences(reader, name) if worded else list(result.explanation),
        factors=[
            {
                "name": f.name,
                "value": round(f.value, 4),
                "weight": f.weight,
                "detail": result.factor_detail(f.name, reader, name) if worded else f.detail,
            }
            for f in result.factors
        ],
        match_percent=int(getattr(result, "match_percent", round(100 * result.score))),
        band=band,
        band_label=band_label,
        match_help=match_help(reader, name),
        reader=reader,
        skills=[
            {
                "id": f.skill_id,
                "name": f.name,
                "label": f.label,
                "need": f.need,
                "level": f.level,
                "status": f.status,
                "via_id": f.via_id,
                "via_name": f.via_name,
                "via_label": f.via_label,
                "via_level": f.via_level,
                "toward_goal": f.toward_goal,
            }
            for f in (facts.skills if facts is not None else ())
        ],
        result=result,
    )


def worth_for(user: User, opportunity: Opportunity) -> dict[str, Any]:
    stats = employer_stats_for([opportunity.employer_id])[opportunity.employer_id]
    return worth_of(candidate_data(user), opportunity_data(opportunity, stats))


def worth_of(candidate: em.Candidate, opportunity: em.Opportunity) -> dict[str, Any]:
    w = engine_worth(candidate, opportunity, taxonomy())
    plain: dict[str, Any] = _plain(w)
    plain["sentences"] = w.sentences
    return plain


def _plain(obj: Any) -> Any:
    """Dataclasses → dicts, recursively, for templates and JSON."""
    from dataclasses import asdict, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    return obj
