from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AwareDatetime

from stint.audit import selectors as audit_selectors
from stint.audit.models import AuditEntry
from stint.core.paging import PAGE_QUERY, page_of
from stint.core.schemas import ERRORS, LIMITED_ERRORS
from stint.moderation import selectors, services
from stint.moderation.models import Report, VerificationRequest
from stint.moderation.schemas import (
    AuditOut,
    DocumentOut,
    HeldPostingOut,
    HeldPostingPageOut,
    ReasonIn,
    ReportIn,
    ReportOut,
    ReportPageOut,
    ReportResolveIn,
    VerificationRequestOut,
    VerificationRequestPageOut,
)
from stint.opportunities.models import Opportunity
from stint.orgs.selectors import access_organisation

router = Router()


def _verification(vr: VerificationRequest) -> VerificationRequestOut:
    return VerificationRequestOut(
        id=vr.pk,
        organisation_id=vr.organisation_id,
        organisation_name=vr.organisation.name,
        email=vr.email,
        website=vr.website,
        note=vr.note,
        status=vr.status,
        reason=vr.reason,
        created_at=vr.created_at,
        decided_at=vr.decided_at,
        documents=[
            DocumentOut(id=d.pk, name=d.original_name, kind=d.kind, size=d.size)
            for d in vr.documents.all()
        ],
    )


def _report(r: Report) -> ReportOut:
    return ReportOut(
        id=r.pk,
        target_type=r.target_type,
        target_id=r.target_id,
        reason=r.reason,
        text=r.text,
        status=r.status,
        action=r.action,
        note=r.note,
        created_at=r.created_at,
        resolved_at=r.resolved_at,
    )


def _held(o: Opportunity) -> HeldPostingOut:
    return HeldPostingOut(
        id=o.pk,
        title=o.title,
        employer_id=o.employer_id,
        employer_name=o.employer.name,
        status=o.status,
        flags=list(o.review_flags or []),
    )


def _audit(e: AuditEntry) -> AuditOut:
    return AuditOut(
        id=e.pk,
        at=e.at,
        actor_id=e.actor_id,
        action=e.action,
        target_type=e.target_type,
        target_id=e.target_id,
        before=e.before,
        after=e.after,
        ip=e.ip,
    )


# --- Employers ---------------------------------------------------------------------------


@router.post(
    "/orgs/{org_id}/verification-requests",
    response={201: VerificationRequestOut, **ERRORS},
    summary="Ask a platform admin to verify your organisation (owners; multipart)",
)
def verification_request(
    request: HttpRequest,
    org_id: int,
    note: Form[str] = "",
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[VerificationRequestOut]:
    """Ask a platform admin to verify your organisation, with evidence files (multipart).
    Owners only; an organisation already verified is 409 `already_verified`."""
    vr = services.verification_request(
        actor=request.user, organisation_id=org_id, note=note, documents=documents or []
    )
    return Status(201, _verification(vr))


@router.get(
    "/orgs/{org_id}/verification-requests",
    response={200: list[VerificationRequestOut], **ERRORS},
    summary="Your organisation's verification requests, newest first",
)
def verification_history(request: HttpRequest, org_id: int) -> list[VerificationRequestOut]:
    """An organisation's verification requests, newest first, with the admins' answers. Members
    of that organisation."""
    org, _ = access_organisation(actor=request.user, organisation_id=org_id)
    return [
        _verification(vr) for vr in selectors.requests_of(org.pk).select_related("organisation")
    ]


# --- Reports -----------------------------------------------------------------------------


@router.post(
    "/reports",
    response={201: ReportOut, **LIMITED_ERRORS},
    summary="Report a posting, profile or message",
)
def report_create(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    """Report a posting, profile or message to the platform admins, with a reason. Any
    signed-in person; rate-limited per person (429 with `Retry-After`)."""
    report = services.report_create(actor=request.user, **payload.dict())
    return Status(201, _report(report))


# --- Platform admins ---------------------------------------------------------------------


class StatusFilter(Schema):
    status: str = ""


@router.get(
    "/moderation/verification-requests",
    response={200: VerificationRequestPageOut, **ERRORS},
    summary="Admin: verification requests, newest first",
)
def admin_verifications(
    request: HttpRequest, filters: Query[StatusFilter], page: int = PAGE_QUERY
) -> VerificationRequestPageOut:
    """Verification requests, newest first, a page at a time. Platform admins only."""
    qs = selectors.verification_requests(request.user, filters.status).prefetch_related("documents")
    shown = page_of(qs, page)
    return VerificationRequestPageOut(
        items=[_verification(vr) for vr in shown.items],
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
    )


@router.post(
    "/moderation/verification-requests/{request_id}/approve",
    response={200: VerificationRequestOut, **ERRORS},
    summary="Admin: approve a verification request",
)
def admin_verification_approve(request: HttpRequest, request_id: int) -> VerificationRequestOut:
    """Approve a verification request: the organisation becomes verified. Platform admins only;
    a request already answered is 409 `not_pending`."""
    return _verification(services.verification_approve(actor=request.user, request_id=request_id))


@router.post(
    "/moderation/verification-requests/{request_id}/refuse",
    response={200: VerificationRequestOut, **ERRORS},
    summary="Admin: refuse a verification request, with a reason",
)
def admin_verification_refuse(
    request: HttpRequest, request_id: int, payload: ReasonIn
) -> VerificationRequestOut:
    """Refuse a verification request, with a reason the organisation reads. Platform admins
    only; a request already answered is 409."""
    vr = services.verification_refuse(
        actor=request.user, request_id=request_id, reason=payload.reason
    )
    return _verification(vr)


@router.get(
    "/moderation/reports",
    response={200: ReportPageOut, **ERRORS},
    summary="Admin: reports, newest first",
)
def admin_reports(
    request: HttpRequest, filters: Query[StatusFilter], page: int = PAGE_QUERY
) -> ReportPageOut:
    """Reports, newest first, a page at a time. Platform admins only."""
    shown = page_of(selectors.reports(request.user, filters.status), page)
    return ReportPageOut(
        items=[_report(r) for r in shown.items],
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
    )


@router.post(
    "/moderation/reports/{report_id}/resolve",
    response={200: ReportOut, **ERRORS},
    summary="Admin: act on a report",
)
def admin_report_resolve(
    request: HttpRequest, report_id: int, payload: ReportResolveIn
) -> ReportOut:
    """Act on a report: dismiss it, or take the content down or suspend, with a note. Platform
    admins only; a resolved report is 409."""
    report = services.report_resolve(
        actor=request.user, report_id=report_id, action=payload.action, note=payload.note
    )
    return _report(report)


@router.get(
    "/moderation/postings",
    response={200: HeldPostingPageOut, **ERRORS},
    summary="Admin: postings held for review, longest waiting first",
)
def admin_postings(request: HttpRequest, page: int = PAGE_QUERY) -> HeldPostingPageOut:
    """Postings held for review before publishing, longest waiting first. Platform admins only."""
    shown = page_of(selectors.held_postings(request.user), page)
    return HeldPostingPageOut(
        items=[_held(o) for o in shown.items],
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
    )


@router.post(
    "/moderation/postings/{opportunity_id}/approve",
    response={200: HeldPostingOut, **ERRORS},
    summary="Admin: publish a held posting",
)
def admin_posting_approve(request: HttpRequest, opportunity_id: int) -> HeldPostingOut:
    """Publish a held posting. Platform admins only; a posting not held is 409."""
    o = services.posting_review_approve(actor=request.user, opportunity_id=opportunity_id)
    return _held(o)


@router.post(
    "/moderation/postings/{opportunity_id}/refuse",
    response={200: HeldPostingOut, **ERRORS},
    summary="Admin: refuse a held posting, with a reason",
)
def admin_posting_refuse(
    request: HttpRequest, opportunity_id: int, payload: ReasonIn
) -> HeldPostingOut:
    """Refuse a held posting, with a reason the employer reads. Platform admins only; a posting
    not held is 409."""
    o = services.posting_review_refuse(
        actor=request.user, opportunity_id=opportunity_id, reason=payload.reason
    )
    return _held(o)


class AuditFilters(Schema):
    action: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: str = ""
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    limit: int = 100
    offset: int = 0


@router.get(
    "/moderation/audit", response={200: list[AuditOut], **ERRORS}, summary="Admin: the audit log"
)
def admin_audit(request: HttpRequest, filters: Query[AuditFilters]) -> list[AuditOut]:
    """The audit log of sensitive actions (who did what, when). Platform admins only."""
    query = audit_selectors.AuditQuery(
        action=filters.action,
        actor=filters.actor,
        target_type=filters.target_type,
        target_id=filters.target_id,
        since=filters.since,
        until=filters.until,
    )
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    return [
        _audit(e)
        for e in audit_selectors.audit_search(request.user, query)[offset : offset + limit]
    ]
