"""Publishing a run: an application and an offer for each placed student, in one
transaction, under the applications app's rules and lock order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules as app_rules
from stint.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
)
from stint.audit import services as audit
from stint.core.errors import ConflictError
from stint.notifications.services import notify
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.programs.models import (
    AllocationRun,
    Placement,
    Program,
    ProgramOpportunity,
    ProgramStatus,
    RunStatus,
    StudentRanking,
)
from stint.programs.selectors import access_run
from stint.programs.services.allocation import run_assignment


@dataclass(frozen=True)
class PublishReport:
    run: AllocationRun
    created: int
    skipped: list[str]


def _offer_for(
    *, actor: User, program: Program, application: Application, opportunity: Opportunity
) -> Offer:
    """The applications app's rules for an offer (scope snapshot, fee, expiry),
    made on behalf of the employer that agreed to the program."""
    existing = application.offers.filter(
        status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED]
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    for current, target in (
        (app_rules.SUBMITTED, app_rules.SHORTLISTED),
        (app_rules.SHORTLISTED, app_rules.OFFERED),
    ):
        if application.status == current:
            refusal = app_rules.transition_refusal(current, target, app_rules.EMPLOYER)
            if refusal:
                raise ConflictError("bad_transition", refusal)
            application.status = target
    application.updated_at = now
    if application.first_response_at is None:
        application.first_response_at = now
    application.save()
    return Offer.objects.create(
        application=application,
        fee_minor=opportunity.fee_minor,
        currency=opportunity.currency,
        scope=app_rules.offer_scope(opportunity.summary, opportunity.deliverables),
        start_date=opportunity.start_date,
        due_date=opportunity.due_date,
        expires_at=now + timedelta(days=settings.STINT_OFFER_EXPIRY_DAYS),
        created_by=actor,
    )


@transaction.atomic
def allocation_publish(*, actor: User, run_id: int) -> PublishReport:
    """Make the run's offers in one transaction: for each placed student, an
    application on their behalf ("Allocated through <program>"), shortlisted, and an
    offer with the applications app's rules. Publishing twice creates nothing new."""
    run, access = access_run(actor=actor, run_id=run_id)
    program = Program.objects.select_for_update().get(pk=access.program.pk)
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.published:
        return PublishReport(run=run, created=0, skipped=[])
    if program.status in (ProgramStatus.PUBLISHED, ProgramStatus.CLOSED):
        raise ConflictError("already_published", "Another run of this program was published.")
    if run.status != RunStatus.DONE:
        raise ConflictError("run_not_done", "Only a finished, stable run can be published.")
    latest = AllocationRun.objects.filter(program=program).order_by("-created_at", "-pk").first()
    if latest is not None and latest.pk != run.pk:
        raise ConflictError(
            "run_outdated", "A newer run exists: publish the latest run (or re-run)."
        )
    assignment = {s: e for s, e in run_assignment(run).items() if e is not None}
    entries = {
        e.pk: e
        for e in ProgramOpportunity.objects.filter(pk__in=set(assignment.values())).select_related(
            "opportunity"
        )
    }
    # Lock the opportunities in one order and check each has room for its placements.
    opp_ids = sorted({e.opportunity_id for e in entries.values()})
    opportunities = {
        o.pk: o
        for o in Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer")
        .filter(pk__in=opp_ids)
        .order_by("pk")
    }
    wanted: dict[int, int] = {}
    for eid in assignment.values():
        oid = entries[eid].opportunity_id
        wanted[oid] = wanted.get(oid, 0) + 1
    for oid, count in wanted.items():
        o = opportunities[oid]
        if o.status != OpportunityStatus.PUBLISHED or o.openings_left < count:
            raise ConflictError(
                "no_openings",
                f"{o.title} has {o.openings_left if o.status == 'published' else 0} opening(s) "
                f"left for {count} placement(s): agree new openings with the employer and re-run.",
            )
    students = User.objects.in_bulk(list(assignment))
    done = set(Placement.objects.filter(program=program).values_list("student_id", flat=True))
    note = f"Allocated through {program.name}"
    created, skipped = 0, []
    for sid in sorted(assignment):
        if sid in done:
            continue
        entry = entries[assignment[sid]]
        opportunity = opportunities[entry.opportunity_id]
        student = students[sid]
        fit = StudentRanking.objects.filter(program=program, student_id=sid, entry=entry).first()
        application, _ = Application.objects.select_for_update(of=("self",)).get_or_create(
            opportunity=opportunity,
            candidate=student,
            defaults={
                "note": note,
                "fit_score": fit.fit_score if fit else None,
                "engine_version": run.engine_version,
            },
        )
        if application.status not in (*OPEN_STATUSES, ApplicationStatus.ACCEPTED):
            skipped.append(
                f"{student.display_name}: their application to {opportunity.title} is "
                f"{application.get_status_display().lower()}."
            )
            continue
        application.opportunity = opportunity
        if application.status != ApplicationStatus.ACCEPTED:
            _offer_for(
                actor=actor, program=program, application=application, opportunity=opportunity
            )
        Placement.objects.create(
            program=program, run=run, student_id=sid, entry=entry, application=application
        )
        created += 1
        notify(
            user=student,
            kind="offer.made",
            title=f"{program.name}: you were placed on {opportunity.title}",
            body=(
                f"{opportunity.employer.name} offers you this work through {program.name}. "
                "Accept or decline it from your applications."
            ),
            url=reverse("program_my_result", args=[program.pk]),
        )
    run.published = True
    run.published_at = timezone.now()
    run.save(update_fields=["published", "published_at"])
    program.status = ProgramStatus.PUBLISHED
    program.updated_at = timezone.now()
    program.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="allocation.published",
        target=("program", program.pk),
        after={"run": run.pk, "offers": created, "skipped": len(skipped)},
    )
    return PublishReport(run=run, created=created, skipped=skipped)
