"""Thin HTML views of cohort programs: staff set-up, runs and credits; the
student's ranking and result; the employer's opportunities and rankings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from stint.core.charts import bar_chart
from stint.core.errors import DomainError, Forbidden
from stint.core.forms import apply_domain_error, flash_refusal
from stint.core.spreadsheet import csv_download
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.orgs.models import Membership, OrgKind
from stint.programs import rules, selectors, services
from stint.programs.forms import EmailsForm, EntryForm, ProgramForm, RankForm, RunForm, WindowForm
from stint.programs.models import ProposalStatus

COHORT_SHOWN = 200


def _institutions(user: object) -> list[tuple[int, str]]:
    return [
        (m.organisation_id, m.organisation.name)
        for m in Membership.objects.filter(
            user=user, organisation__kind=OrgKind.INSTITUTION
        ).select_related("organisation")
    ]


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/list.html",
        {
            "programs": selectors.programs_for(request.user),
            "can_create": bool(_institutions(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    institutions = _institutions(request.user)
    form = ProgramForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            p = services.program_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{p.name} is created. Add opportunities and a cohort.")
            return redirect("program_detail", program_id=p.pk)
    return render(request, "programs/create.html", {"form": form})


@login_required
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id)
    if not access.is_staff:
        if access.is_student:
            return redirect("program_rank", program_id=program_id)
        return redirect("program_employer", program_id=program_id)
    return _staff_page(request, access)


def _staff_page(
    request: HttpRequest, access: selectors.ProgramAccess, **forms: object
) -> HttpResponse:
    p = access.program
    cohort = selectors.cohort_of(p)
    used = set(p.entries.values_list("opportunity_id", flat=True))
    candidates = (
        Opportunity.objects.filter(
            status=OpportunityStatus.PUBLISHED, employer__verified_at__isnull=False
        )
        .exclude(pk__in=used)
        .select_related("employer")
        .order_by("employer__name", "title")[:200]
    )
    context = {
        "p": p,
        "access": access,
        "counts": selectors.counts(p),
        "entries": selectors.entries_of(p),
        "cohort": cohort[:COHORT_SHOWN],
        "cohort_more": max(cohort.count() - COHORT_SHOWN, 0),
        "runs": selectors.runs_of(p)[:20],
        "candidates": candidates,
        "entry_form": EntryForm(),
        "cohort_form": EmailsForm(),
        "priority_form": EmailsForm(prefix="prio"),
        "window_form": WindowForm(
            initial={"ranking_opens": p.ranking_opens, "ranking_closes": p.ranking_closes}
        ),
        "run_form": RunForm(),
        "editable": rules.setup_refusal(p.status) is None,
        **forms,
    }
    status = 422 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    return render(request, "programs/detail.html", context, status=status)


@login_required
@require_POST
def entry_propose(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id)
    form = EntryForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.entry_propose(actor=request.user, program_id=program_id, **form.cleaned_data)
            messages.success(request, "Proposed. The other side agrees on the program page.")
            return redirect("program_detail", program_id=program_id)
    if access.is_staff:
        return _staff_page(request, access, entry_form=form)
    return _employer_page(request, access, entry_form=form)


@login_required
@require_POST
def entry_decide(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry, _ = selectors.access_entry(actor=request.user, entry_id=entry_id)
    accept = request.POST.get("accept") == "1"
    try:
        services.entry_decide(actor=request.user, entry_id=entry_id, accept=accept)
        messages.success(request, "Agreed." if accept else "Declined.")
    except (DomainError, Forbidden) as exc:
        messages.error(request, str(exc))
    return redirect("program_detail", program_id=entry.program_id)


@login_required
@require_POST
def cohort_add(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    form = EmailsForm(request.POST)
    if form.is_valid():
        try:
            batch = services.cohort_add_batch(
                actor=request.user, program_id=program_id, emails=form.cleaned_data["emails"]
            )
        except DomainError as exc:
            form.add_error("emails", exc.message)
        else:
            # The good addresses join; each bad one is named, not the whole batch refused.
            refused = [f"{value}: {why}" for value, why in batch.refused]
            if batch.added or batch.already:
                done = f"{len(batch.added)} student(s) added."
                if batch.already:
                    done += f" {batch.already} already in the cohort."
                messages.success(request, done)
                if refused:
                    messages.warning(
                        request,
                        f"{len(refused)} could not be added: " + "; ".join(refused[:50]),
                    )
                return redirect("program_detail", program_id=program_id)
            for line in refused[:50]:
                form.add_error("emails", line)
    return _staff_page(request, access, cohort_form=form)


@login_required
@require_POST
def cohort_remove(request: HttpRequest, program_id: int, student_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.cohort_remove(actor=request.user, program_id=program_id, student_id=student_id)
        messages.success(request, "Removed from the cohort.")
    return redirect("program_detail", program_id=program_id)


@login_required
@require_POST
def priorities_set(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    form = EmailsForm(request.POST, prefix="prio")
    if form.is_valid():
        by_email = {
            m.student.email.lower(): m.student_id for m in selectors.cohort_of(access.program)
        }
        emails = form.cleaned_data["emails"]
        unknown = [e for e in emails if e.lower() not in by_email]
        if unknown:
            form.add_error("emails", f"{unknown[0]} is not in the cohort.")
        else:
            with apply_domain_error(form):
                services.priorities_set(
                    actor=request.user,
                    program_id=program_id,
                    student_ids=[by_email[e.lower()] for e in emails],
                )
                messages.success(request, "Priority order saved.")
                return redirect("program_detail", program_id=program_id)
    return _staff_page(request, access, priority_form=form)


@login_required
@require_POST
def window_open(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    form = WindowForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            services.program_window_open(
                actor=request.user,
                program_id=program_id,
                opens=form.cleaned_data["ranking_opens"],
                closes=form.cleaned_data["ranking_closes"],
            )
            messages.success(request, "Ranking window set.")
            return redirect("program_detail", program_id=program_id)
    return _staff_page(request, access, window_form=form)


@login_required
@require_POST
def window_close(request: HttpRequest, program_id: int) -> HttpResponse:
    with flash_refusal(request):
        services.program_window_close(actor=request.user, program_id=program_id)
        messages.success(request, "Ranking is closed. You can run the allocation.")
    return redirect("program_detail", program_id=program_id)


# --- Runs -------------------------------------------------------------------------------------


@login_required
@require_POST
def run_start(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    form = RunForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            run = services.allocation_run_start(
                actor=request.user, program_id=program_id, optimal=form.cleaned_data["optimal"]
            )
            messages.success(request, "The allocation is running.")
            return redirect("program_run", run_id=run.pk)
    return _staff_page(request, access, run_form=form)


def _run_context(run: object, access: selectors.ProgramAccess) -> dict[str, object]:
    stats = getattr(run, "stats", {}) or {}
    entries = {e.pk: e for e in selectors.entries_of(access.program)}
    context: dict[str, object] = {"run": run, "p": access.program, "stats": stats}
    if stats:
        by_choice = stats.get("by_choice", [])
        context["chart"] = bar_chart(
            "Students by the choice they got",
            [rules.ordinal(row["choice"]) + " choice" for row in by_choice] + ["Not placed"],
            [row["students"] for row in by_choice] + [stats.get("unmatched", 0)],
            chart_id=f"run-{getattr(run, 'pk', 0)}",
        )
        # Who got which project, not only how many (issue 14 item 14).
        by_entry: dict[int, list[selectors.RunPlacement]] = {}
        for placement in selectors.run_placements(run):  # type: ignore[arg-type]
            by_entry.setdefault(placement.entry.pk, []).append(placement)
        context["fill"] = [
            {
                **row,
                "entry": entries.get(row["entry_id"]),
                "placed": by_entry.get(row["entry_id"], []),
            }
            for row in stats.get("fill", [])
        ]
        from stint.accounts.models import User

        unmatched = stats.get("unmatched_students", [])[:200]
        users = User.objects.in_bulk([u["student_id"] for u in unmatched])
        context["unmatched"] = [{**u, "student": users.get(u["student_id"])} for u in unmatched]
        context["first_share"] = (
            round(100 * stats["first_choice"] / stats["students"]) if stats.get("students") else 0
        )
    return context


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run, access = selectors.access_run(actor=request.user, run_id=run_id)
    return render(request, "programs/run.html", _run_context(run, access))


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The htmx fragment polled every 2 s while the run is queued or running."""
    run, access = selectors.access_run(actor=request.user, run_id=run_id)
    return render(request, "programs/_run_progress.html", _run_context(run, access))


@login_required
@require_POST
def run_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    selectors.access_run(actor=request.user, run_id=run_id)
    with flash_refusal(request):
        report = services.allocation_publish(actor=request.user, run_id=run_id)
        messages.success(request, f"Published: {report.created} offer(s) made.")
        for line in report.skipped:
            messages.warning(request, line)
    return redirect("program_run", run_id=run_id)


# --- Students ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rank(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="student")
    p = access.program
    choices = selectors.choices_for(p, request.user)
    current = [r.entry_id for r in selectors.rankings_of(p, request.user)]
    slots = min(rules.MAX_CHOICES, max(len(choices), 1))
    initial = {f"choice_{i}": eid for i, eid in enumerate(current, start=1)}
    form = RankForm(
        request.POST or None,
        initial=initial,
        entries=[(c["entry_id"], f"{c['title']} ({c['employer']})") for c in choices],
        slots=slots,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.student_rankings_set(
                    actor=request.user, program_id=program_id, entry_ids=form.entry_ids()
                )
                messages.success(
                    request, "Your ranking is saved. You can change it until the window closes."
                )
                return redirect("program_rank", program_id=program_id)
            except DomainError as exc:
                field = None
                if exc.field and exc.field.startswith("entry_ids."):
                    # the n-th non-blank choice → its select
                    filled = [
                        k
                        for k in sorted(form.fields, key=lambda k: int(k.split("_")[1]))
                        if form.cleaned_data.get(k) is not None
                    ]
                    idx = int(exc.field.split(".")[1])
                    field = filled[idx] if idx < len(filled) else None
                form.add_error(field, exc.message)
        status = 422
    window = rules.ranking_refusal(p.status, p.ranking_opens, p.ranking_closes, timezone.now())
    return render(
        request,
        "programs/rank.html",
        {
            "p": p,
            "choices": choices,
            "form": form,
            "window_refusal": window,
            "result_ready": selectors.published_run(p) is not None,
        },
        status=status,
    )


@login_required
def my_result(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="student")
    result = selectors.student_result(access.program, request.user)
    return render(request, "programs/result.html", {"p": access.program, "result": result})


# --- Employers --------------------------------------------------------------------------------


@login_required
def employer_page(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="employer")
    return _employer_page(request, access)


def _employer_page(
    request: HttpRequest, access: selectors.ProgramAccess, **forms: object
) -> HttpResponse:
    p = access.program
    entries = selectors.entries_of(p).filter(opportunity__employer_id__in=access.employer_ids)
    rows = [
        {
            "entry": e,
            "applicants": selectors.applicants_of(e) if e.status == ProposalStatus.ACCEPTED else [],
            "can_decide": e.status == ProposalStatus.PROPOSED
            and e.proposed_by_side == "institution",
        }
        for e in entries
    ]
    own = (
        Opportunity.objects.filter(
            employer_id__in=access.employer_ids, status=OpportunityStatus.PUBLISHED
        )
        .exclude(pk__in=[e.opportunity_id for e in entries])
        .order_by("title")
    )
    status = 422 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    return render(
        request,
        "programs/employer.html",
        {
            "p": p,
            "rows": rows,
            "own": own,
            "entry_form": forms.get("entry_form", EntryForm()),
            "error": forms.get("error"),
        },
        status=status,
    )


@login_required
@require_POST
def employer_rankings(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.access_entry_as_employer(actor=request.user, entry_id=entry_id)
    choices = []
    problem = None
    for key, value in request.POST.items():
        if not key.startswith(("rank_", "score_")) or not value.strip():
            continue
        kind, _, sid = key.partition("_")
        try:
            number = int(value) if kind == "rank" else float(value)
            student_id = int(sid)
        except ValueError:
            problem = f"{key}: enter a number."
            break
        choices.append((student_id, kind, number))
    merged: dict[int, services.EmployerChoice] = {}
    for sid, kind, number in choices:
        old = merged.get(sid, services.EmployerChoice(student_id=sid))
        merged[sid] = services.EmployerChoice(
            student_id=sid,
            rank=int(number) if kind == "rank" else old.rank,
            score=float(number) if kind == "score" else old.score,
        )
    if problem is None:
        try:
            services.employer_rankings_set(
                actor=request.user, entry_id=entry_id, choices=list(merged.values())
            )
            messages.success(request, "Your order of applicants is saved.")
            return redirect("program_employer", program_id=entry.program_id)
        except DomainError as exc:
            problem = exc.message
    access = selectors.access_program(actor=request.user, program_id=entry.program_id)
    return _employer_page(request, access, error=problem, entry_form=EntryForm())


# --- Credit -----------------------------------------------------------------------------------


@login_required
def credits(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    created = services.credit_records_refresh(access.program)
    if created:
        messages.success(request, f"{created} new credit record(s).")
    return render(
        request,
        "programs/credits.html",
        {"p": access.program, "records": selectors.credits_of(access.program)},
    )


@login_required
def credits_csv(request: HttpRequest, program_id: int) -> HttpResponse:
    access = selectors.access_program(actor=request.user, program_id=program_id, role="staff")
    services.credit_records_refresh(access.program)
    return csv_download(
        selectors.CREDIT_COLUMNS,
        selectors.credits_table(access.program),
        f"program-{program_id}-credits.csv",
    )
