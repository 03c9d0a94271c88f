"""Which students a staff member may see, for which scope: every staff read goes
through `consenting_ids`, which reads the *current* consent and affiliation on each
call (nothing cached, so a withdrawal hides the data on the very next request)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from stint.applications.models import Application, Offer, OfferStatus
from stint.engagements.models import Engagement
from stint.institutions import rules
from stint.institutions.models import Consent
from stint.institutions.rules import ReportFilters
from stint.orgs.models import Affiliation, Organisation
from stint.profiles.models import Education
from stint.reviews.models import FollowUpOffer, Review, ReviewSide, VerifiedSkill

NO_FILTERS = ReportFilters()


def _education_ids(institution: Organisation, f: ReportFilters) -> QuerySet[Any] | None:
    """Students whose education entry (at this institution, or not linked to any)
    matches the programme and graduation-year filters; None when unfiltered."""
    if not f.major and f.graduation_year is None:
        return None
    edu = Education.objects.filter(Q(institution=institution) | Q(institution__isnull=True))
    if f.major:
        edu = edu.filter(major__icontains=f.major)
    if f.graduation_year is not None:
        edu = edu.filter(graduation_year=f.graduation_year)
    return edu.values("profile__user_id")


def consenting_ids(
    institution: Organisation, scope: str, f: ReportFilters = NO_FILTERS
) -> QuerySet[Any]:
    """Ids of the students who, right now, are verified at the institution and
    consent to share `scope` with it (and match the filters)."""
    if scope not in rules.SCOPES:
        raise ValueError(f"unknown consent scope {scope!r}")
    qs = Consent.objects.filter(
        institution=institution,
        student_id__in=Affiliation.objects.filter(institution=institution).values("user_id"),
        **{f"share_{scope}": True},
    )
    edu = _education_ids(institution, f)
    if edu is not None:
        qs = qs.filter(student_id__in=edu)
    return qs.values("student_id")


def sharing_any_ids(institution: Organisation, f: ReportFilters = NO_FILTERS) -> QuerySet[Any]:
    anything = Q()
    for scope in rules.SCOPES:
        if scope != "groups":  # groups are aggregate-only, never a reason to list a student
            anything |= Q(**{f"share_{scope}": True})
    qs = Consent.objects.filter(
        anything,
        institution=institution,
        student_id__in=Affiliation.objects.filter(institution=institution).values("user_id"),
    )
    edu = _education_ids(institution, f)
    if edu is not None:
        qs = qs.filter(student_id__in=edu)
    return qs.values("student_id")


def _dated(qs: QuerySet[Any], lookup: str, f: ReportFilters) -> QuerySet[Any]:
    if f.date_from:
        qs = qs.filter(**{f"{lookup}__date__gte": f.date_from})
    if f.date_to:
        qs = qs.filter(**{f"{lookup}__date__lte": f.date_to})
    return qs


def _applications(inst: Organisation, f: ReportFilters) -> QuerySet[Application]:
    qs = Application.objects.filter(candidate_id__in=consenting_ids(inst, "applications", f))
    return _dated(qs, "created_at", f)


def _selections(inst: Organisation, f: ReportFilters) -> QuerySet[Offer]:
    qs = Offer.objects.filter(
        status=OfferStatus.ACCEPTED,
        application__candidate_id__in=consenting_ids(inst, "selections", f),
    )
    return _dated(qs, "decided_at", f)


# When an engagement ended: paid, resolved or cancelled (whichever the model records).
_END_FIELDS = [
    name
    for name in ("paid_at", "resolved_at", "cancelled_at", "updated_at")
    if any(f.name == name for f in Engagement._meta.get_fields())
]


def _ended_engagements(inst: Organisation, f: ReportFilters) -> QuerySet[Engagement]:
    qs = Engagement.objects.filter(
        status__in=rules.ENDED_STATUSES,
        candidate_id__in=consenting_ids(inst, "completions", f),
    ).annotate(ended_at=Coalesce(*_END_FIELDS))
    return _dated(qs, "ended_at", f)


def _completions(inst: Organisation, f: ReportFilters) -> QuerySet[Engagement]:
    return _ended_engagements(inst, f).filter(status__in=rules.COMPLETED_STATUSES)


def _skills(inst: Organisation, f: ReportFilters) -> QuerySet[VerifiedSkill]:
    qs = VerifiedSkill.objects.filter(candidate_id__in=consenting_ids(inst, "skills", f))
    return _dated(qs, "created_at", f)


def _ratings(inst: Organisation, f: ReportFilters) -> QuerySet[Review]:
    qs = Review.objects.filter(
        side=ReviewSide.EMPLOYER,
        visible_at__isnull=False,
        visible_at__lte=timezone.now(),
        engagement__candidate_id__in=consenting_ids(inst, "ratings", f),
    )
    return _dated(qs, "created_at", f)


def _follow_ups(inst: Organisation, f: ReportFilters) -> QuerySet[FollowUpOffer]:
    qs = FollowUpOffer.objects.filter(candidate_id__in=consenting_ids(inst, "follow_ups", f))
    return _dated(qs, "created_at", f)
