"""Creating and editing a posting (limited once people applied), deleting a draft, and the search
text kept beside each posting."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.tasks import enqueue_on_commit
from stint.matching.engine import skill_label
from stint.matching.postings import clarity_for
from stint.matching.tasks import opportunity_changed
from stint.opportunities import rules
from stint.opportunities.models import (
    Need,
    Opportunity,
    OpportunityStatus,
    RequiredSkill,
    ScreeningQuestion,
    search_text_of,
)
from stint.opportunities.selectors import access_opportunity, application_count
from stint.opportunities.services.posting import Posting, _clean, posting_of
from stint.orgs.models import OrgKind
from stint.orgs.selectors import access_organisation


def _terms(posting: Posting, filled_count: int = 0) -> rules.Terms:
    return rules.Terms(
        fee_minor=posting.fee_minor,
        currency=posting.currency,
        estimated_hours=posting.estimated_hours,
        deliverables=posting.deliverables,
        openings=posting.openings,
        filled_count=filled_count,
        work_mode=posting.work_mode,
        apply_by=posting.apply_by,
        due_date=posting.due_date,
        essential_skill_ids=frozenset(
            s.skill_id for s in posting.skills if s.need == Need.ESSENTIAL
        ),
    )


def _write(opportunity: Opportunity, posting: Posting) -> Opportunity:
    for name in (
        "title",
        "summary",
        "deliverables",
        "industry",
        "estimated_hours",
        "fee_minor",
        "currency",
        "apply_by",
        "start_date",
        "due_date",
        "work_mode",
        "location_country",
        "location_city",
        "time_zone",
        "max_tz_difference_hours",
        "openings",
        "visibility",
    ):
        setattr(opportunity, name, getattr(posting, name))
    opportunity.updated_at = timezone.now()
    opportunity.save()
    opportunity.allowed_institutions.set(posting.allowed_institution_ids)
    RequiredSkill.objects.filter(opportunity=opportunity).delete()
    RequiredSkill.objects.bulk_create(
        RequiredSkill(
            opportunity=opportunity,
            skill_id=s.skill_id,
            label=skill_label(s.skill_id) or s.skill_id,
            need=s.need,
            level=s.level,
        )
        for s in posting.skills
    )
    # Answers point at questions: keep rows whose text is unchanged.
    existing = {q.text: q for q in opportunity.questions.all()}
    keep = []
    for position, q in enumerate(posting.questions):
        row = existing.pop(q.text, None)
        if row is None:
            row = ScreeningQuestion(opportunity=opportunity, text=q.text)
        row.position, row.required = position, q.required
        row.save()
        keep.append(row.pk)
    opportunity.questions.exclude(pk__in=keep).delete()
    opportunity.clarity_score = clarity_for(opportunity).score
    opportunity.search_text = search_text_of(
        opportunity.title,
        opportunity.summary,
        opportunity.deliverables,
        (r.label for r in RequiredSkill.objects.filter(opportunity=opportunity)),
    )
    opportunity.save(update_fields=["clarity_score", "search_text"])
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    return opportunity


def refresh_search_text(
    ids: Iterable[int] | None = None, *, missing_only: bool = False, batch: int = 2000
) -> int:
    """Recompute `search_text` for rows written without this service (bulk
    inserts such as `seed_scale`); all rows when `ids` is None, only those never
    filled with `missing_only`. Returns how many."""
    qs = Opportunity.objects.order_by("pk")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if missing_only:
        qs = qs.filter(search_text="")
    done, last = 0, 0
    while True:
        rows = list(qs.filter(pk__gt=last).only("title", "summary", "deliverables")[:batch])
        if not rows:
            return done
        labels: dict[int, list[str]] = {}
        for oid, label in (
            RequiredSkill.objects.filter(opportunity_id__in=[r.pk for r in rows])
            .order_by("need", "label")
            .values_list("opportunity_id", "label")
        ):
            labels.setdefault(oid, []).append(label)
        for r in rows:
            r.search_text = search_text_of(r.title, r.summary, r.deliverables, labels.get(r.pk, ()))
        Opportunity.objects.bulk_update(rows, ["search_text"], batch_size=500)
        done += len(rows)
        last = rows[-1].pk


@transaction.atomic
def opportunity_create(*, actor: User, organisation_id: int, posting: Posting) -> Opportunity:
    org, _ = access_organisation(actor=actor, organisation_id=organisation_id)
    if org.kind != OrgKind.EMPLOYER:
        raise DomainError(
            "not_employer", "Only employer organisations post opportunities.", "organisation_id"
        )
    clean = _clean(posting)
    opportunity = Opportunity(employer=org, created_by=actor)
    return _write(opportunity, clean)


@transaction.atomic
def opportunity_update(*, actor: User, opportunity_id: int, posting: Posting) -> Opportunity:
    opportunity = access_opportunity(
        actor=actor, opportunity_id=opportunity_id, manage=True, for_update=True
    )
    if opportunity.status not in rules.EDITABLE:
        raise ConflictError(
            "not_editable",
            f"A {opportunity.get_status_display().lower()} opportunity cannot be edited.",
        )
    clean = _clean(posting, filled_count=opportunity.filled_count)
    if application_count(opportunity):
        before = _terms(posting_of(opportunity), opportunity.filled_count)
        problems = rules.edit_violations(before, _terms(clean, opportunity.filled_count))
        if problems:
            field_name, message = problems[0]
            raise DomainError("edit_limited", message, field_name)
    return _write(opportunity, clean)


@transaction.atomic
def opportunity_delete(*, actor: User, opportunity_id: int) -> None:
    """Delete a draft for good. Anything once published stays (people may have seen
    or applied to it): close or archive it instead."""
    opportunity = access_opportunity(
        actor=actor, opportunity_id=opportunity_id, manage=True, for_update=True
    )
    if opportunity.status != OpportunityStatus.DRAFT:
        raise ConflictError(
            "not_a_draft",
            f"Only drafts can be deleted; this posting is {opportunity.get_status_display().lower()}"
            ". Close or archive it instead.",
            "status",
        )
    pk = opportunity.pk
    opportunity.delete()
    enqueue_on_commit(opportunity_changed, pk)
