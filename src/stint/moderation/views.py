from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from stint.audit import selectors as audit_selectors
from stint.core.files import private_download
from stint.core.forms import apply_domain_error, flash_refusal
from stint.moderation import rules, selectors, services
from stint.moderation.forms import (
    AuditFilterForm,
    ReasonForm,
    ReportForm,
    ResolveForm,
    VerificationRequestForm,
)
from stint.orgs.models import OrgRole
from stint.orgs.selectors import access_organisation

_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


# --- Employers ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def verification(request: HttpRequest, org_id: int) -> HttpResponse:
    org, membership = access_organisation(actor=request.user, organisation_id=org_id)
    is_owner = membership is not None and membership.role == OrgRole.OWNER
    history = list(selectors.requests_of(org.pk))
    pending = any(r.status == "pending" for r in history)
    form = VerificationRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            services.verification_request(
                actor=request.user,
                organisation_id=org.pk,
                note=form.cleaned_data["note"],
                documents=form.cleaned_data["documents"],
            )
            messages.success(request, "Thanks: a platform admin will review your request.")
            return redirect("moderation_verification", org_id=org.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "moderation/verification.html",
        {
            "org": org,
            "is_owner": is_owner,
            "history": history,
            "pending": pending,
            "form": form,
            "domain_email": services.domain_email_for(request.user, org.website),
            "website_host": rules.website_host(org.website),
        },
        status=status,
    )


@login_required
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = services.verification_document_open(actor=request.user, document_id=document_id)
    return private_download(
        doc.file,
        filename=doc.original_name,
        content_type=_CONTENT_TYPES.get(doc.kind, "application/octet-stream"),
    )


# --- Anyone logged in: report ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    initial = {"target_type": request.GET.get("type", ""), "target_id": request.GET.get("id", "")}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            services.report_create(actor=request.user, **form.cleaned_data)
            messages.success(request, "Thank you: moderators will look at it.")
            return redirect("dashboard")
    status = 422 if request.method == "POST" else 200
    return render(request, "moderation/report.html", {"form": form}, status=status)


# --- Platform admins ------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    q = selectors.queue(request.user)
    reports = [(r, selectors.target_summary(r.target_type, r.target_id)) for r in q.reports]
    return render(
        request,
        "moderation/queue.html",
        {"queue": q, "reports": reports, "reasons": rules.REASONS},
    )


@login_required
def verification_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    vr = selectors.access_verification_request(actor=request.user, request_id=request_id)
    return render(
        request, "moderation/verification_detail.html", {"vr": vr, "refuse_form": ReasonForm()}
    )


@login_required
@require_POST
def verification_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    selectors.require_admin(request.user)
    with flash_refusal(request):
        vr = services.verification_approve(actor=request.user, request_id=request_id)
        messages.success(request, f"{vr.organisation.name} is verified.")
    return redirect("moderation_queue")


@login_required
@require_POST
def verification_refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    vr = selectors.access_verification_request(actor=request.user, request_id=request_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.verification_refuse(
                actor=request.user, request_id=vr.pk, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Refused; the employer sees your reason.")
            return redirect("moderation_queue")
    return render(
        request,
        "moderation/verification_detail.html",
        {"vr": vr, "refuse_form": form},
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report(actor=request.user, report_id=report_id)
    form = ResolveForm(request.POST or None)
    form.fields["action"].choices = [
        (a, rules.ACTION_LABELS[a]) for a in rules.ACTIONS_FOR.get(report.target_type, ())
    ]
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            services.report_resolve(actor=request.user, report_id=report.pk, **form.cleaned_data)
            messages.success(request, "Done, and written to the audit log.")
            return redirect("moderation_queue")
    return render(
        request,
        "moderation/report_detail.html",
        {
            "report": report,
            "target": selectors.target_summary(report.target_type, report.target_id),
            "reason_label": rules.REASONS.get(report.reason, report.reason),
            "form": form,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def posting_approve(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    selectors.require_admin(request.user)
    with flash_refusal(request):
        o = services.posting_review_approve(actor=request.user, opportunity_id=opportunity_id)
        messages.success(request, f"“{o.title}” is published.")
    return redirect("moderation_queue")


@login_required
@require_POST
def posting_refuse(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    selectors.require_admin(request.user)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the employer a reason.")
        return redirect("moderation_queue")
    with flash_refusal(request):
        services.posting_review_refuse(
            actor=request.user, opportunity_id=opportunity_id, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Refused; the employer sees your reason.")
    return redirect("moderation_queue")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    selectors.require_admin(request.user)
    form = AuditFilterForm(request.GET or None)
    query = audit_selectors.AuditQuery()
    if form.is_bound and form.is_valid():
        query = audit_selectors.AuditQuery(**form.cleaned_data)
    page = Paginator(audit_selectors.audit_search(request.user, query), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "moderation/audit.html",
        {"form": form, "page": page},
        status=422 if form.is_bound and not form.is_valid() else 200,
    )
