from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stint.core.errors import DomainError, NotFound
from stint.core.forms import apply_domain_error
from stint.core.spreadsheet import csv_download
from stint.institutions import roster as roster_rules
from stint.institutions import rules, selectors, services
from stint.institutions.forms import (
    ConsentForm,
    DeclarationForm,
    EndorsementForm,
    GroupForm,
    RosterConfirmForm,
    RosterUploadForm,
)
from stint.institutions.models import Endorsement
from stint.institutions.rules import ReportFilters

HTML_TABLE_LIMIT = 200


@login_required
@require_GET
def institution_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "institutions/list.html",
        {
            "staff_of": selectors.staff_institutions(request.user),
            "student_of": selectors.dashboard_student(request.user),
        },
    )


def _student_context(request: HttpRequest, access: selectors.InstitutionAccess) -> dict[str, Any]:
    inst = access.institution
    if not access.is_student:
        return {}
    consent = selectors.consent_of(request.user, inst)
    scopes = selectors.consent_scopes(consent)
    groups = list(selectors.groups_of(inst))
    declaration = selectors.declaration_of(request.user, inst)
    return {
        "consent": consent,
        "consent_form": ConsentForm(initial=scopes),
        "scopes": [(s, rules.SCOPE_LABELS[s], scopes[s]) for s in rules.SCOPES],
        "events": list(consent.events.all()[:20]) if consent else [],
        "groups": groups,
        "declaration_form": DeclarationForm(
            groups=groups,
            initial={
                "groups": [str(g.pk) for g in declaration.groups.all()] if declaration else [],
                "prefer_not_to_say": bool(declaration and declaration.prefer_not_to_say),
            },
        ),
        "declaration": declaration,
    }


@login_required
@require_GET
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    """The institution page: for students, what they share and their groups; for
    staff, links to the dashboard and reports."""
    access = selectors.access_institution(actor=request.user, institution_id=institution_id)
    return render(
        request,
        "institutions/detail.html",
        {"access": access, "inst": access.institution, **_student_context(request, access)},
    )


def _rerender_detail(request: HttpRequest, institution_id: int, **extra: Any) -> HttpResponse:
    access = selectors.access_institution(actor=request.user, institution_id=institution_id)
    context = {"access": access, "inst": access.institution, **_student_context(request, access)}
    context.update(extra)
    return render(request, "institutions/detail.html", context, status=422)


@login_required
@require_POST
def consent_update(request: HttpRequest, institution_id: int) -> HttpResponse:
    selectors.access_student(actor=request.user, institution_id=institution_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.consent_set(
                actor=request.user,
                institution_id=institution_id,
                scopes={s: form.cleaned_data[s] for s in rules.SCOPES},
            )
            messages.success(request, "Saved: your institution sees only what you ticked.")
            return redirect("institution_detail", institution_id=institution_id)
    return _rerender_detail(request, institution_id, consent_form=form)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, institution_id: int) -> HttpResponse:
    services.consent_withdraw(actor=request.user, institution_id=institution_id)
    messages.success(request, "Withdrawn: your institution no longer sees any of your activity.")
    return redirect("institution_detail", institution_id=institution_id)


@login_required
@require_POST
def declaration_update(request: HttpRequest, institution_id: int) -> HttpResponse:
    inst = selectors.access_student(actor=request.user, institution_id=institution_id)
    form = DeclarationForm(request.POST, groups=list(selectors.groups_of(inst)))
    if form.is_valid():
        with apply_domain_error(form):
            services.declaration_set(
                actor=request.user,
                institution_id=institution_id,
                group_ids=[int(g) for g in form.cleaned_data["groups"]],
                prefer_not_to_say=form.cleaned_data["prefer_not_to_say"],
            )
            messages.success(request, "Saved your groups.")
            return redirect("institution_detail", institution_id=institution_id)
    return _rerender_detail(request, institution_id, declaration_form=form)


# --- Staff ----------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[ReportFilters, DomainError | None]:
    try:
        return rules.parse_filters(request.GET), None
    except DomainError as exc:
        return ReportFilters(), exc


@login_required
@require_GET
def staff_dashboard(request: HttpRequest, institution_id: int) -> HttpResponse:
    inst = selectors.access_staff(actor=request.user, institution_id=institution_id)
    filters, error = _filters(request)
    context: dict[str, Any] = {
        "inst": inst,
        "params": request.GET,
        "filter_error": error,
        "tables": selectors.TABLE_TITLES.items(),
    }
    if error:
        return render(request, "institutions/staff_dashboard.html", context, status=400)
    context["d"] = selectors.dashboard(
        actor=request.user, institution_id=institution_id, filters=filters
    )
    context["qs"] = urlencode(filters.as_params())
    return render(request, "institutions/staff_dashboard.html", context)


@login_required
@require_GET
def report(request: HttpRequest, institution_id: int, table: str) -> HttpResponse:
    inst = selectors.access_staff(actor=request.user, institution_id=institution_id)
    if table not in selectors.TABLES:
        raise NotFound("No such report.")
    filters, error = _filters(request)
    context: dict[str, Any] = {
        "inst": inst,
        "table_name": table,
        "params": request.GET,
        "filter_error": error,
        "tables": selectors.TABLE_TITLES.items(),
    }
    if error:
        return render(request, "institutions/report.html", context, status=400)
    t = selectors.report_table(
        actor=request.user, institution_id=institution_id, table=table, filters=filters
    )
    rows = []
    for i, row in enumerate(t.rows):
        if i >= HTML_TABLE_LIMIT:
            context["truncated"] = True
            break
        rows.append(row)
    context.update(
        {"t": t, "rows": rows, "qs": urlencode(filters.as_params()), "limit": HTML_TABLE_LIMIT}
    )
    return render(request, "institutions/report.html", context)


@login_required
@require_GET
def report_csv(request: HttpRequest, institution_id: int, table: str) -> HttpResponse:
    selectors.access_staff(actor=request.user, institution_id=institution_id)
    try:
        filters = rules.parse_filters(request.GET)
    except DomainError as exc:
        return HttpResponse(
            f"{exc.field}: {exc.message}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    t = selectors.report_table(
        actor=request.user, institution_id=institution_id, table=table, filters=filters
    )
    return csv_download(t.columns, t.rows, f"{table}-{institution_id}.csv")


@login_required
@require_http_methods(["GET", "POST"])
def groups_manage(request: HttpRequest, institution_id: int) -> HttpResponse:
    inst = selectors.access_staff(actor=request.user, institution_id=institution_id, manage=True)
    form = GroupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with apply_domain_error(form):
                g = services.group_add(
                    actor=request.user, institution_id=inst.pk, **form.cleaned_data
                )
                messages.success(request, f"Added {g.category}: {g.label}.")
                return redirect("institution_groups", institution_id=inst.pk)
        status = 422
    return render(
        request,
        "institutions/groups.html",
        {
            "inst": inst,
            "form": form,
            "groups": selectors.groups_of(inst),
            "suggested": rules.SUGGESTED_GROUPS,
        },
        status=status,
    )


@login_required
@require_POST
def groups_add_suggested(request: HttpRequest, institution_id: int) -> HttpResponse:
    added = services.group_add_suggested(actor=request.user, institution_id=institution_id)
    messages.success(request, f"Added {len(added)} suggested groups.")
    return redirect("institution_groups", institution_id=institution_id)


@login_required
@require_POST
def group_archive(request: HttpRequest, group_id: int) -> HttpResponse:
    group = services.group_archive(actor=request.user, group_id=group_id)
    messages.success(request, f"Removed {group.category}: {group.label} from the list.")
    return redirect("institution_groups", institution_id=group.institution_id)


# --- Opportunities -----------------------------------------------------------------------


def _opportunities_page(
    request: HttpRequest, institution_id: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    inst, rows = selectors.institution_opportunities(
        actor=request.user, institution_id=institution_id
    )
    is_staff = selectors.staff_membership(request.user, inst.pk) is not None
    context = {
        "inst": inst,
        "rows": rows,
        "is_staff": is_staff,
        "candidates": selectors.endorsement_candidates(inst) if is_staff else [],
        **extra,
    }
    return render(request, "institutions/opportunities.html", context, status=status)


@login_required
@require_GET
def opportunities(request: HttpRequest, institution_id: int) -> HttpResponse:
    return _opportunities_page(request, institution_id)


@login_required
@require_POST
def endorse(request: HttpRequest, institution_id: int) -> HttpResponse:
    inst = selectors.access_staff(actor=request.user, institution_id=institution_id)
    form = EndorsementForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.endorsement_set(
                actor=request.user, institution_id=inst.pk, **form.cleaned_data
            )
            messages.success(request, "Endorsed: your students see it on the opportunity page.")
            return redirect("institution_opportunities", institution_id=inst.pk)
    return _opportunities_page(request, inst.pk, status=422, endorse_form=form)


@login_required
@require_POST
def endorsement_remove(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    endorsement = Endorsement.objects.filter(pk=endorsement_id).first()
    if endorsement is None:
        raise NotFound("No such endorsement.")
    institution_id = endorsement.institution_id
    services.endorsement_remove(actor=request.user, endorsement_id=endorsement_id)
    messages.success(request, "Endorsement removed.")
    return redirect("institution_opportunities", institution_id=institution_id)


ROSTER_TABLE_LIMIT = 500


def _program_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("program", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound("No such program.")
    return int(raw)


@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, institution_id: int) -> HttpResponse:
    """Roster import: upload a CSV, see every row with its errors, confirm to save.
    The preview saves nothing; the confirm step sends the same file back to the
    service, which checks it again (`services.roster_import`)."""
    listed = selectors.access_roster(
        actor=request.user, institution_id=institution_id, program_id=_program_param(request)
    )
    inst = listed.institution
    programs = selectors.roster_programs(inst)
    upload = RosterUploadForm(
        programs=programs, initial={"program": listed.program.pk if listed.program else None}
    )
    preview: selectors.RosterPreview | None = None
    confirm: RosterConfirmForm | None = None
    status = 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "preview":
        upload = RosterUploadForm(request.POST, request.FILES, programs=programs)
        if upload.is_valid():
            target = selectors.access_roster(
                actor=request.user,
                institution_id=inst.pk,
                program_id=upload.cleaned_data["program"],
            )
            try:
                preview = selectors.roster_preview(target, upload.cleaned_data["csv"])
            except roster_rules.RosterFileError as exc:
                upload.add_error("csv", str(exc))
        if preview is not None and preview.ok:
            confirm = RosterConfirmForm(
                programs=programs,
                initial={
                    "program": upload.cleaned_data["program"],
                    "csv": upload.cleaned_data["csv"],
                },
            )
        else:
            status = 422
    elif action == "confirm":
        confirm = RosterConfirmForm(request.POST, programs=programs)
        if confirm.is_valid():
            program_id = confirm.cleaned_data["program"]
            with apply_domain_error(confirm):
                done = services.roster_import(
                    actor=request.user,
                    institution_id=inst.pk,
                    program_id=program_id,
                    csv_text=confirm.cleaned_data["csv"],
                )
                parts = [f"{done.created} added", f"{done.updated} updated"]
                if done.unchanged:
                    parts.append(f"{done.unchanged} unchanged")
                if program_id is not None:
                    parts.append(f"{done.cohort_added} joined the cohort")
                messages.success(request, "Roster imported: " + ", ".join(parts) + ".")
                if done.not_linked:
                    messages.info(
                        request,
                        f"{done.not_linked} students have no Stint account linked to "
                        f"{inst.name} yet: ask them to sign up with their university address.",
                    )
                if done.cohort_note:
                    messages.warning(request, done.cohort_note)
                url = reverse("institution_roster", args=[inst.pk])
                return redirect(f"{url}?program={program_id}" if program_id else url)
        status = 422
    elif request.method == "POST":
        raise NotFound("No such action.")
    return render(
        request,
        "institutions/roster.html",
        {
            "inst": inst,
            "listed": listed,
            "entries": selectors.roster_of(listed)[:ROSTER_TABLE_LIMIT],
            "entry_count": selectors.roster_of(listed).count(),
            "programs": programs,
            "upload": upload,
            "preview": preview,
            "confirm": confirm,
            "limit": ROSTER_TABLE_LIMIT,
        },
        status=status,
    )
