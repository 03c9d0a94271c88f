"""What each role sees first. Panels grow as features land; each panel's
empty state says what to do next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from stint.accounts.models import User
from stint.applications import selectors as application_selectors
from stint.engagements import selectors as engagement_selectors
from stint.institutions import selectors as institution_selectors
from stint.matching.recommend import recommendations_for
from stint.moderation.selectors import verification_state
from stint.opportunities import selectors as opportunity_selectors
from stint.opportunities.forms import HideForm
from stint.orgs.models import Organisation, OrgKind
from stint.orgs.selectors import affiliations_of, organisations_for
from stint.profiles import selectors as profile_selectors
from stint.reviews import selectors as review_selectors


@dataclass
class Dashboard:
    roles: frozenset[str]
    employers: list[Organisation] = field(default_factory=list)
    institutions: list[Organisation] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    next_steps: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    profile: dict[str, Any] | None = None
    hide_form: Any = field(default_factory=HideForm)
    applications: Any = None  # applications.selectors.CandidateDashboard
    applicants: list[Any] = field(default_factory=list)  # employer rows
    opportunities_candidate: dict[str, Any] | None = None
    recommendations: Any = None  # matching.recommend.Recommendations
    candidate_outcomes: Any = None
    employer_outcomes: list[Any] = field(default_factory=list)
    institutions_staff: list[Any] = field(default_factory=list)
    institutions_student: list[Any] = field(default_factory=list)
    engagements_candidate: Any = None
    engagements_employer: Any = None
    opportunities_employer: dict[str, Any] | None = None


def dashboard_for(user: User, joining_as: str | None = None) -> Dashboard:
    orgs = list(organisations_for(user))
    d = Dashboard(
        roles=user.roles,
        employers=[o for o in orgs if o.kind == OrgKind.EMPLOYER],
        institutions=[o for o in orgs if o.kind == OrgKind.INSTITUTION],
        affiliations=[a.institution.name for a in affiliations_of(user)],
    )
    if "candidate" in d.roles:
        d.profile = profile_selectors.dashboard_candidate(user)
        d.applications = application_selectors.dashboard_candidate(user)
        d.opportunities_candidate = opportunity_selectors.dashboard_candidate(user)
        d.recommendations = recommendations_for(user, k=5)
        d.candidate_outcomes = review_selectors.candidate_outcomes(user)
        d.engagements_candidate = engagement_selectors.dashboard_candidate(user)
        d.institutions_student = institution_selectors.dashboard_student(user)
    if d.employers:
        d.applicants = application_selectors.dashboard_employer(user)
        d.opportunities_employer = opportunity_selectors.dashboard_employer(user)
        d.employer_outcomes = [review_selectors.employer_outcomes(org) for org in d.employers]
        d.engagements_employer = engagement_selectors.dashboard_employer(user)
    if d.institutions:
        d.institutions_staff = institution_selectors.dashboard_staff(user)
    if not d.roles and joining_as == "employer":
        # The role chosen at sign-up: its first step, not a generic question.
        d.next_steps.append(
            (
                "Create your employer organisation, then request verification",
                "/orgs/new/?kind=employer",
            )
        )
        d.next_steps.append(("Or ask a colleague to invite you to theirs", ""))
    elif not d.roles and joining_as == "institution":
        d.next_steps.append(
            (
                "Create your institution's organisation and add its email domain",
                "/orgs/new/?kind=institution",
            )
        )
        d.next_steps.append(("Or ask a colleague to invite you to theirs", ""))
    elif not d.roles:
        d.next_steps.append(
            ("Tell us why you are here: become a candidate in your settings", "/account/settings/")
        )
        d.next_steps.append(("Or create an employer or institution organisation", "/orgs/new/"))
    if "candidate" in d.roles and not d.affiliations:
        d.next_steps.append(
            (
                "Students: add and verify your university email to be linked to your "
                "institution (not a student? nothing to do)",
                "/accounts/email/",
            )
        )
    for org in d.employers:
        state = verification_state(org, user)
        if state is None or state.status == "verified":
            continue
        url = reverse("moderation_verification", args=[org.pk])
        if state.status == "pending":
            text = f"Waiting for a platform admin to verify {org.name}: see the request"
        elif state.status == "refused":
            text = f"Verification of {org.name} was refused: read why and request it again"
        else:
            text = f"Request verification of {org.name}: it must be verified before it can publish"
        d.next_steps.append((text, url))
    return d
