"""Reads for trust and safety: the admin queue, an
employer's verification status and access to private documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.applications.models import Message
from stint.core.errors import NotFound
from stint.moderation.models import (
    Report,
    ReportStatus,
    VerificationDocument,
    VerificationRequest,
    VerificationStatus,
)
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.orgs import rules as org_rules
from stint.orgs.models import Membership, Organisation, OrgKind, OrgRole
from stint.profiles.models import CandidateProfile


def require_admin(actor: User) -> None:
    """Moderation pages exist only for platform admins; others get NotFound."""
    if not actor.is_authenticated or not actor.is_staff:
        raise NotFound("No such page.")


@dataclass
class Queue:
    verifications: list[VerificationRequest]
    reports: list[Report]
    postings: list[Opportunity]
    # Unverified employers that have not asked yet: they wait too, and an admin
    # may nudge them (the queue once said "0 waiting" while they were stuck).
    unrequested: list[Organisation] = field(default_factory=list)
    # How many wait in each list: the page shows the oldest `limit` and says so.
    waiting: dict[str, int] = field(default_factory=dict)
    limit: int = 100


def held_postings(actor: User) -> QuerySet[Opportunity]:
    """Postings held for an admin's review, longest waiting first."""
    require_admin(actor)
    return (
        Opportunity.objects.filter(status=OpportunityStatus.IN_REVIEW)
        .select_related("employer", "created_by")
        .order_by("updated_at", "pk")
    )


def queue(actor: User, limit: int = 100) -> Queue:
    require_admin(actor)
    lists: dict[str, QuerySet[Any]] = {
        "verifications": VerificationRequest.objects.filter(status=VerificationStatus.PENDING)
        .select_related("organisation", "requested_by")
        .prefetch_related("documents")
        .order_by("created_at"),
        "reports": Report.objects.filter(status=ReportStatus.OPEN)
        .select_related("reporter")
        .order_by("created_at"),
        "postings": held_postings(actor),
        "unrequested": Organisation.objects.filter(kind=OrgKind.EMPLOYER, verified_at__isnull=True)
        .exclude(verification_requests__status=VerificationStatus.PENDING)
        .order_by("created_at"),
    }
    return Queue(
        **{name: list(qs[:limit]) for name, qs in lists.items()},
        waiting={name: qs.count() for name, qs in lists.items()},
        limit=limit,
    )


@dataclass(frozen=True)
class VerificationState:
    status: str  # verified | pending | refused | none
    request: VerificationRequest | None
    can_request: bool  # the viewer is an owner and may (re)submit


def verification_state(org: Organisation, user: User | None) -> VerificationState | None:
    """Where an employer stands and whether the viewer can act; None for institutions."""
    if org.kind != OrgKind.EMPLOYER:
        return None
    latest = VerificationRequest.objects.filter(organisation=org).order_by("-created_at", "-pk")
    last = latest.first()
    is_owner = bool(
        user is not None
        and user.is_authenticated
        and Membership.objects.filter(user=user, organisation=org, role=OrgRole.OWNER).exists()
    )
    if org.is_verified:
        return VerificationState("verified", last, False)
    if last is not None and last.status in (VerificationStatus.PENDING, VerificationStatus.REFUSED):
        return VerificationState(str(last.status), last, is_owner)
    return VerificationState("none", last, is_owner)


def access_verification_request(*, actor: User, request_id: int) -> VerificationRequest:
    require_admin(actor)
    request = (
        VerificationRequest.objects.select_related("organisation", "requested_by", "decided_by")
        .prefetch_related("documents")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("No such verification request.")
    return request


def verification_requests(actor: User, status: str = "") -> QuerySet[VerificationRequest]:
    require_admin(actor)
    qs = VerificationRequest.objects.select_related("organisation").order_by("-created_at", "-pk")
    return qs.filter(status=status) if status else qs


def requests_of(organisation_id: int) -> QuerySet[VerificationRequest]:
    return VerificationRequest.objects.filter(organisation_id=organisation_id).prefetch_related(
        "documents"
    )


def access_document(*, actor: User, document_id: int) -> VerificationDocument:
    """Platform admins and the organisation's owners/admins; NotFound for others."""
    doc = VerificationDocument.objects.select_related("request").filter(pk=document_id).first()
    if doc is None or not actor.is_authenticated:
        raise NotFound("No such document.")
    if actor.is_staff:
        return doc
    m = Membership.objects.filter(user=actor, organisation_id=doc.request.organisation_id).first()
    if m is None or not org_rules.can_manage(m.role):
        raise NotFound("No such document.")
    return doc


def access_report(*, actor: User, report_id: int) -> Report:
    require_admin(actor)
    report = Report.objects.select_related("reporter", "resolved_by").filter(pk=report_id).first()
    if report is None:
        raise NotFound("No such report.")
    return report


def reports(actor: User, status: str = "") -> QuerySet[Report]:
    require_admin(actor)
    qs = Report.objects.select_related("reporter").order_by("-created_at", "-pk")
    return qs.filter(status=status) if status else qs


def target_summary(target_type: str, target_id: int) -> dict[str, Any]:
    """What an admin needs to judge a report: a title and a text excerpt."""
    if target_type == "opportunity":
        o = Opportunity.objects.select_related("employer").filter(pk=target_id).first()
        if o:
            return {
                "title": f"{o.title} ({o.employer.name})",
                "text": o.summary[:1000],
                "status": o.status,
            }
    elif target_type == "profile":
        user = User.objects.filter(pk=target_id).first()
        if user:
            profile = CandidateProfile.objects.filter(user=user).first()
            text = f"{profile.headline}\n{profile.bio}" if profile else ""
            return {
                "title": user.display_name,
                "text": text[:1000],
                "status": "active" if user.is_active else "suspended",
            }
    elif target_type == "message":
        m = Message.objects.select_related("sender").filter(pk=target_id).first()
        if m:
            return {
                "title": f"Message from {m.sender.display_name if m.sender else 'deleted user'}",
                "text": m.body[:1000],
                "status": "",
            }
    return {"title": "(gone)", "text": "", "status": ""}
