"""Writes for opportunities: drafts, edits (limited once people applied), the
lifecycle, hiding recommendations, saved searches and their notifications."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, FieldProblems, NotFound
from stint.core.money import CURRENCY_EXPONENTS, amount_refusal, hourly_floor_minor
from stint.core.tasks import enqueue_on_commit
from stint.core.text import single_line
from stint.matching.engine import skill_label
from stint.matching.postings import clarity_for
from stint.matching.tasks import opportunity_changed
from stint.notifications.services import notify
from stint.opportunities import rules, screening
from stint.opportunities.models import (
    HiddenOpportunity,
    Need,
    Opportunity,
    OpportunityStatus,
    RequiredSkill,
    SavedOpportunity,
    SavedSearch,
    ScreeningQuestion,
    Visibility,
    WorkMode,
    search_text_of,
)
from stint.opportunities.selectors import (
    BrowseQuery,
    access_opportunity,
    application_count,
    saved_search_matches,
)
from stint.opportunities.signals import opportunity_closed
from stint.orgs.models import Organisation, OrgKind
from stint.orgs.selectors import access_organisation

HIDE_REASONS = ("not_interested", "not_my_skills", "pay_too_low", "wrong_dates", "too_far", "other")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class SkillNeed:
    skill_id: str
    need: str = "essential"
    level: int = 2


@dataclass(frozen=True)
class Question:
    text: str
    required: bool = True


@dataclass(frozen=True)
class Posting:
    """Everything an employer writes about an opportunity: the input of create
    and update (HTML forms and API payloads both build one)."""

    title: str
    summary: str
    estimated_hours: int
    fee_minor: int
    currency: str = "USD"
    deliverables: str = ""
    industry: str = ""
    apply_by: date | None = None
    start_date: date | None = None
    due_date: date | None = None
    work_mode: str = "remote"
    location_country: str = ""
    location_city: str = ""
    time_zone: str = "UTC"
    max_tz_difference_hours: int | None = None
    openings: int = 1
    visibility: str = "public"
    allowed_institution_ids: tuple[int, ...] = ()
    skills: tuple[SkillNeed, ...] = ()
    questions: tuple[Question, ...] = field(default_factory=tuple)


def posting_of(opportunity: Opportunity) -> Posting:
    """The current posting of an opportunity (the base of a partial update)."""
    return Posting(
        title=opportunity.title,
        summary=opportunity.summary,
        estimated_hours=opportunity.estimated_hours,
        fee_minor=opportunity.fee_minor,
        currency=opportunity.currency,
        deliverables=opportunity.deliverables,
        industry=opportunity.industry,
        apply_by=opportunity.apply_by,
        start_date=opportunity.start_date,
        due_date=opportunity.due_date,
        work_mode=opportunity.work_mode,
        location_country=opportunity.location_country,
        location_city=opportunity.location_city,
        time_zone=opportunity.time_zone,
        max_tz_difference_hours=opportunity.max_tz_difference_hours,
        openings=opportunity.openings,
        visibility=opportunity.visibility,
        allowed_institution_ids=tuple(
            sorted(opportunity.allowed_institutions.values_list("pk", flat=True))
        ),
        skills=tuple(
            SkillNeed(s.skill_id, s.need, s.level) for s in opportunity.skills.order_by("pk")
        ),
        questions=tuple(Question(q.text, q.required) for q in opportunity.questions.all()),
    )


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


# --- Validation ------------------------------------------------------------------------


def _text(
    problems: FieldProblems, value: str, name: str, label: str, *, maximum: int, minimum: int = 0
) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        problems.add(f"{name}_required", f"{label} is required.", name)
    elif len(value) > maximum:
        problems.add(f"{name}_too_long", f"{label} is at most {maximum} characters.", name)
    return value


def _line(problems: FieldProblems, value: str, name: str) -> str:
    with problems.check():
        return single_line(value, name)
    return value


def _clean(posting: Posting, *, filled_count: int = 0) -> Posting:
    """Check every field; raise one DomainError, or an InvalidFields naming every
    field at fault, so the form and the API show all of them at once (issue 14)."""
    problems = FieldProblems()
    title = _line(
        problems,
        _text(problems, posting.title, "title", "A title", maximum=140, minimum=3),
        "title",
    )
    summary = _text(problems, posting.summary, "summary", "A summary", maximum=5000, minimum=1)
    deliverables = _text(
        problems, posting.deliverables, "deliverables", "Deliverables", maximum=5000
    )
    industry = _line(
        problems,
        _text(problems, posting.industry, "industry", "The industry", maximum=80),
        "industry",
    )

    hours = posting.estimated_hours
    hours_ok = rules.MIN_HOURS <= hours <= rules.MAX_HOURS
    if not hours_ok:
        problems.add(
            "hours_out_of_range",
            f"Micro-internships take {rules.MIN_HOURS} to {rules.MAX_HOURS} hours; "
            f"{hours} is outside that range.",
            "estimated_hours",
        )
    currency = (posting.currency or "").upper()
    if currency not in CURRENCY_EXPONENTS:
        problems.add(
            "bad_currency",
            "Choose one of the supported currencies: " + ", ".join(CURRENCY_EXPONENTS) + ".",
            "currency",
        )
    else:
        too_much = amount_refusal(posting.fee_minor, currency)
        minimum = hourly_floor_minor(currency)
        if too_much:
            problems.add("fee_too_high", too_much, "fee_minor")
        elif posting.fee_minor <= 0 or (
            hours_ok and not rules.pays_enough(posting.fee_minor, hours, minimum)
        ):
            problems.add(
                "fee_too_low", rules.pay_too_low_message(currency, hours, minimum), "fee_minor"
            )

    if posting.start_date and posting.due_date and posting.due_date < posting.start_date:
        problems.add(
            "due_before_start", "The due date must be on or after the start date.", "due_date"
        )
    if posting.apply_by and posting.start_date and posting.apply_by > posting.start_date:
        problems.add(
            "apply_after_start",
            "Applications must close on or before the start date.",
            "apply_by",
        )

    if posting.work_mode not in WorkMode.values:
        problems.add("bad_work_mode", "Work is remote, hybrid or on-site.", "work_mode")
    country = (posting.location_country or "").strip().upper()
    if country and not _COUNTRY_RE.match(country):
        problems.add(
            "bad_country", "Use the two-letter country code, e.g. DE or US.", "location_country"
        )
    elif posting.work_mode != WorkMode.REMOTE and not country:
        problems.add(
            "location_required",
            "Say where the work happens: on-site and hybrid work need a country.",
            "location_country",
        )
    tz = (posting.time_zone or "UTC").strip()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("bad_time_zone", "Use an IANA time zone such as Europe/Berlin.", "time_zone")
    max_tz = posting.max_tz_difference_hours
    if max_tz is not None and not 0 <= max_tz <= rules.MAX_TZ_DIFFERENCE:
        problems.add(
            "bad_tz_difference",
            f"The time-zone difference is 0 to {rules.MAX_TZ_DIFFERENCE} hours.",
            "max_tz_difference_hours",
        )

    if not 1 <= posting.openings <= rules.MAX_OPENINGS:
        problems.add("bad_openings", f"Openings are 1 to {rules.MAX_OPENINGS}.", "openings")
    elif posting.openings < filled_count:
        problems.add(
            "openings_below_filled",
            f"{filled_count} opening(s) are already filled; keep at least that many.",
            "openings",
        )

    institution_ids = tuple(sorted(set(posting.allowed_institution_ids)))
    if posting.visibility not in Visibility.values:
        problems.add(
            "bad_visibility", "Visibility is public, institutions or invite-only.", "visibility"
        )
    elif posting.visibility == Visibility.INSTITUTIONS:
        if not institution_ids:
            problems.add(
                "institutions_required",
                "Choose at least one institution whose students may see this.",
                "allowed_institution_ids",
            )
        elif Organisation.objects.filter(
            pk__in=institution_ids, kind=OrgKind.INSTITUTION
        ).count() != len(institution_ids):
            problems.add(
                "bad_institution", "Only institutions can be chosen.", "allowed_institution_ids"
            )
    if posting.visibility != Visibility.INSTITUTIONS:
        institution_ids = ()

    skills: dict[str, SkillNeed] = {}
    if len(posting.skills) > rules.MAX_SKILLS:
        problems.add("too_many_skills", f"List at most {rules.MAX_SKILLS} skills.", "skills")
    for s in posting.skills:
        if skill_label(s.skill_id) is None:
            problems.add("unknown_skill", f"Unknown skill id {s.skill_id!r}.", "skills")
        elif s.need not in Need.values:
            problems.add("bad_need", "A skill is essential or nice to have.", "skills")
        elif not 1 <= s.level <= 4:
            problems.add("bad_level", "Skill levels are 1 (basic) to 4 (expert).", "skills")
        else:
            skills[s.skill_id] = s
    if len(posting.questions) > rules.MAX_QUESTIONS:
        problems.add(
            "too_many_questions", f"Ask at most {rules.MAX_QUESTIONS} questions.", "questions"
        )
    questions = []
    too_long = False
    for q in posting.questions:
        text = q.text.strip()
        if not text:
            continue
        if len(text) > 300:
            too_long = True
        questions.append(Question(text, q.required))
    if too_long:
        problems.add("question_too_long", "Questions are at most 300 characters.", "questions")

    problems.raise_any()
    return replace(
        posting,
        title=title,
        summary=summary,
        deliverables=deliverables,
        industry=industry,
        currency=currency,
        location_country=country,
        location_city=posting.location_city.strip()[:100],
        time_zone=tz,
        allowed_institution_ids=institution_ids,
        skills=tuple(skills.values()),
        questions=tuple(questions),
    )


def posting_check(posting: Posting) -> None:
    """Raise what `_clean` finds wrong with a posting, writing nothing: a form
    that refused some fields asks about the rest so every error shows at once."""
    _clean(posting)


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


# --- Lifecycle ---------------------------------------------------------------------------


@transaction.atomic
def opportunity_transition(*, actor: User, opportunity_id: int, status: str) -> Opportunity:
    opportunity = access_opportunity(
        actor=actor, opportunity_id=opportunity_id, manage=True, for_update=True
    )
    if status not in OpportunityStatus.values:
        raise DomainError("bad_status", "Unknown status.", "status")
    if not rules.can_transition(opportunity.status, status):
        allowed = rules.allowed_transitions(opportunity.status)
        raise ConflictError(
            "bad_transition",
            f"A {opportunity.status} opportunity cannot become {status}"
            + (f" (it can become {' or '.join(allowed)})." if allowed else "."),
            "status",
        )
    now = timezone.now()
    if status == OpportunityStatus.PUBLISHED:
        if not opportunity.employer.is_verified:
            raise DomainError(
                "employer_not_verified",
                f"{opportunity.employer.name} must be verified by a platform admin before it "
                "can publish. Your draft is saved.",
            )
        # The terms are checked again: the pay rule may have changed since the draft.
        _clean(posting_of(opportunity), filled_count=opportunity.filled_count)
        if opportunity.apply_by and opportunity.apply_by < timezone.localdate():
            raise DomainError(
                "apply_by_past", "The apply-by date has passed; move it later first.", "apply_by"
            )
        # The posting screen may hold it for a platform admin's review.
        flags = _screen_flags(opportunity)
        if flags:
            opportunity.status = OpportunityStatus.IN_REVIEW
            opportunity.review_flags = flags
            opportunity.updated_at = now
            opportunity.save(update_fields=["status", "review_flags", "updated_at"])
            return opportunity
        opportunity.published_at = now
        opportunity.review_flags = []
    if status in rules.CLOSING:
        opportunity.closed_at = now
    opportunity.status = status
    opportunity.updated_at = now
    opportunity.save(
        update_fields=["status", "published_at", "closed_at", "review_flags", "updated_at"]
    )
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    if status in rules.CLOSING:
        # Pending applicants get their answer once this commits (no ghosting).
        transaction.on_commit(
            lambda: opportunity_closed.send(sender=Opportunity, opportunity_id=opportunity_id),
            robust=True,
        )
    return opportunity


def opportunity_publish(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="published")


def opportunity_close(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="closed")


def opportunity_mark_filled(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="filled")


def opportunity_archive(*, actor: User, opportunity_id: int) -> Opportunity:
    return opportunity_transition(actor=actor, opportunity_id=opportunity_id, status="archived")


# --- The posting screen and the review hold ------------------------------------------------
# A flagged posting waits "in_review"; only a platform admin moves it on (moderation's
# review pages call the three writes below after checking the admin).


def _screen_flags(opportunity: Opportunity) -> list[dict[str, str]]:
    """Every flag of the posting screen, as the JSON kept in `review_flags`."""
    text = screening.PostingText(
        title=opportunity.title,
        summary=opportunity.summary,
        deliverables=opportunity.deliverables,
        industry=opportunity.industry,
        fee_minor=opportunity.fee_minor,
        estimated_hours=opportunity.estimated_hours,
        questions=tuple(opportunity.questions.values_list("text", flat=True)),
    )
    flags = screening.screen_posting(
        text, min_hourly_minor=hourly_floor_minor(opportunity.currency)
    )
    return [flag.as_dict() for flag in flags]


def _locked_for_review(opportunity_id: int) -> Opportunity:
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer")
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None:
        raise NotFound("No such opportunity.")
    return opportunity


@transaction.atomic
def opportunity_hold_for_review(*, opportunity_id: int, flags: list[dict[str, Any]]) -> Opportunity:
    """Take a draft or live posting out of browse until an admin decides
    (moderation's "hide posting"). Applications stay as they are."""
    opportunity = _locked_for_review(opportunity_id)
    if opportunity.status not in (OpportunityStatus.DRAFT, OpportunityStatus.PUBLISHED):
        raise ConflictError(
            "not_reviewable", f"A {opportunity.status} opportunity cannot be put in review."
        )
    opportunity.status = OpportunityStatus.IN_REVIEW
    opportunity.review_flags = flags
    opportunity.updated_at = timezone.now()
    opportunity.save(update_fields=["status", "review_flags", "updated_at"])
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    return opportunity


@transaction.atomic
def opportunity_release_from_review(*, opportunity_id: int) -> Opportunity:
    """An admin found the posting fine: it is published (again)."""
    opportunity = _locked_for_review(opportunity_id)
    if opportunity.status != OpportunityStatus.IN_REVIEW:
        raise ConflictError("not_in_review", "This opportunity is not waiting for review.")
    now = timezone.now()
    opportunity.status = OpportunityStatus.PUBLISHED
    opportunity.published_at = opportunity.published_at or now
    opportunity.review_flags = []
    opportunity.updated_at = now
    opportunity.save(update_fields=["status", "published_at", "review_flags", "updated_at"])
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    return opportunity


@transaction.atomic
def opportunity_refuse_after_review(*, opportunity_id: int) -> Opportunity:
    """An admin refused the posting: a never-published one goes back to draft
    (the employer edits and publishes again, and is screened again); one that
    had been live is closed, and its pending applicants get their answer."""
    opportunity = _locked_for_review(opportunity_id)
    if opportunity.status != OpportunityStatus.IN_REVIEW:
        raise ConflictError("not_in_review", "This opportunity is not waiting for review.")
    now = timezone.now()
    was_live = opportunity.published_at is not None
    opportunity.status = OpportunityStatus.CLOSED if was_live else OpportunityStatus.DRAFT
    if was_live:
        opportunity.closed_at = now
    opportunity.updated_at = now
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    enqueue_on_commit(opportunity_changed, opportunity.pk)
    if was_live:
        transaction.on_commit(
            lambda: opportunity_closed.send(sender=Opportunity, opportunity_id=opportunity_id),
            robust=True,
        )
    return opportunity


# --- Hiding recommendations ---------------------------------------------------------------


@transaction.atomic
def opportunity_hide(*, actor: User, opportunity_id: int, reason: str = "") -> HiddenOpportunity:
    opportunity = access_opportunity(actor=actor, opportunity_id=opportunity_id)
    if reason and reason not in HIDE_REASONS:
        raise DomainError("bad_reason", "Choose one of the listed reasons.", "reason")
    hidden, _ = HiddenOpportunity.objects.update_or_create(
        user=actor, opportunity=opportunity, defaults={"reason": reason}
    )
    return hidden


@transaction.atomic
def opportunity_unhide(*, actor: User, opportunity_id: int) -> None:
    HiddenOpportunity.objects.filter(user=actor, opportunity_id=opportunity_id).delete()


# --- Saved for later and deleted drafts ----------------------------------------------------

# How many postings one person can keep saved (a list to come back to, not an archive).
MAX_SAVED = 200


@transaction.atomic
def opportunity_save(*, actor: User, opportunity_id: int) -> SavedOpportunity:
    """Keep a posting the actor can see on their saved list; saving twice is one save."""
    opportunity = access_opportunity(actor=actor, opportunity_id=opportunity_id)
    saved = SavedOpportunity.objects.filter(user=actor, opportunity=opportunity).first()
    if saved is not None:
        return saved
    if SavedOpportunity.objects.filter(user=actor).count() >= MAX_SAVED:
        raise DomainError(
            "too_many_saved",
            f"You can keep at most {MAX_SAVED} saved postings; remove some first.",
            "opportunity_id",
        )
    saved, _ = SavedOpportunity.objects.get_or_create(user=actor, opportunity=opportunity)
    return saved


@transaction.atomic
def opportunity_unsave(*, actor: User, opportunity_id: int) -> None:
    SavedOpportunity.objects.filter(user=actor, opportunity_id=opportunity_id).delete()


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


# --- Saved searches ----------------------------------------------------------------------


@transaction.atomic
def saved_search_create(
    *, actor: User, name: str, query: BrowseQuery, notify_me: bool = True
) -> SavedSearch:
    problems = FieldProblems()
    name = _text(problems, name, "name", "A name", maximum=80, minimum=1)
    problems.raise_any()
    if SavedSearch.objects.filter(user=actor).count() >= 20:
        raise DomainError("too_many_searches", "You can keep at most 20 saved searches.", "name")
    return SavedSearch.objects.create(
        user=actor, name=name, query=query.to_params(), notify=notify_me
    )


@transaction.atomic
def saved_search_delete(*, actor: User, saved_search_id: int) -> None:
    deleted, _ = SavedSearch.objects.filter(user=actor, pk=saved_search_id).delete()
    if not deleted:
        raise NotFound("No such saved search.")


@transaction.atomic
def saved_search_notify(*, saved_search_id: int, now: datetime | None = None) -> int:
    """Tell the owner about opportunities published since the last notice, once.
    Idempotent: `last_notified_at` moves to the newest match, under a row lock."""
    search = (
        SavedSearch.objects.select_for_update()
        .select_related("user")
        .filter(pk=saved_search_id, notify=True)
        .first()
    )
    if search is None or not search.user.is_active:
        return 0
    matches = list(saved_search_matches(search).order_by("-published_at")[:50])
    if not matches:
        return 0
    newest = matches[0]
    titles = ", ".join(o.title for o in matches[:3])
    more = f" and {len(matches) - 3} more" if len(matches) > 3 else ""
    notify(
        user=search.user,
        kind="opportunity.saved_search_match",
        title=f"{len(matches)} new match(es) for “{search.name}”",
        body=f"New: {titles}{more}.",
        url=reverse("opportunity_browse") + "?saved=" + str(search.pk),
    )
    search.last_notified_at = max(newest.published_at or now or timezone.now(), search.created_at)
    search.save(update_fields=["last_notified_at"])
    return len(matches)
