"""Writes for career services: a student's consent and declared groups, an
institution's list of groups, and endorsements of opportunities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.institutions import roster, rules
from stint.institutions.models import (
    Consent,
    ConsentEvent,
    Endorsement,
    EquityGroup,
    GroupDeclaration,
    RosterEntry,
)
from stint.institutions.selectors import (
    access_roster,
    access_staff,
    access_student,
    endorsable_q,
    groups_of,
    roster_of,
    roster_preview,
)
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.orgs.models import Organisation

# --- Consent -----------------------------------------------------------------------------


@transaction.atomic
def consent_set(*, actor: User, institution_id: int, scopes: Mapping[str, bool]) -> Consent:
    """Set what the student shares with one institution. Scopes not named keep
    their value; each change is logged with its time. Turning off `groups`
    deletes the declared groups (they are stored only with consent)."""
    institution = access_student(actor=actor, institution_id=institution_id)
    unknown = [s for s in scopes if s not in rules.SCOPES]
    if unknown:
        raise DomainError("bad_scope", f"Unknown consent choice: {unknown[0]}.", unknown[0])
    consent, _ = Consent.objects.get_or_create(student=actor, institution=institution)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    now = timezone.now()
    changed = []
    for scope, value in scopes.items():
        name = f"share_{scope}"
        if bool(getattr(consent, name)) != bool(value):
            setattr(consent, name, bool(value))
            changed.append(ConsentEvent(consent=consent, scope=scope, granted=bool(value), at=now))
    consent.updated_at = now
    consent.save()
    ConsentEvent.objects.bulk_create(changed)
    if not consent.share_groups:
        GroupDeclaration.objects.filter(student=actor, institution=institution).delete()
    return consent


def consent_withdraw(*, actor: User, institution_id: int) -> Consent:
    """Stop sharing anything with the institution, at once."""
    return consent_set(
        actor=actor, institution_id=institution_id, scopes=dict.fromkeys(rules.SCOPES, False)
    )


# --- Declared groups ---------------------------------------------------------------------


@transaction.atomic
def declaration_set(
    *,
    actor: User,
    institution_id: int,
    group_ids: Iterable[int],
    prefer_not_to_say: bool = False,
) -> GroupDeclaration | None:
    """Record the groups a student self-declares. Always optional: an empty
    choice removes the declaration. Refused unless the student consents to share groups."""
    institution = access_student(actor=actor, institution_id=institution_id)
    consent = (
        Consent.objects.select_for_update().filter(student=actor, institution=institution).first()
    )
    if consent is None or not consent.share_groups:
        raise DomainError(
            "consent_required",
            "Turn on sharing your groups with this institution before declaring them.",
            "groups",
        )
    ids = sorted({int(i) for i in group_ids})
    if prefer_not_to_say and ids:
        raise DomainError(
            "prefer_not_with_groups",
            "Choose groups or “prefer not to say”, not both.",
            "prefer_not_to_say",
        )
    groups = list(groups_of(institution).filter(pk__in=ids))
    if len(groups) != len(ids):
        raise DomainError("bad_group", "Choose groups from your institution's list.", "group_ids")
    existing = GroupDeclaration.objects.filter(student=actor, institution=institution).first()
    if not ids and not prefer_not_to_say:
        if existing:
            existing.delete()
        return None
    declaration = existing or GroupDeclaration(student=actor, institution=institution)
    declaration.prefer_not_to_say = prefer_not_to_say
    declaration.declared_at = timezone.now()
    declaration.save()
    declaration.groups.set(groups)
    return declaration


@transaction.atomic
def group_add(*, actor: User, institution_id: int, category: str, label: str) -> EquityGroup:
    institution = access_staff(actor=actor, institution_id=institution_id, manage=True)
    category, label = category.strip(), label.strip()
    if not 1 <= len(category) <= 60:
        raise DomainError("bad_category", "Give a category of 1 to 60 characters.", "category")
    if not 1 <= len(label) <= 80:
        raise DomainError("bad_label", "Give a group name of 1 to 80 characters.", "label")
    if label.lower() == "prefer not to say":
        raise DomainError(
            "reserved_label", "“Prefer not to say” is always offered already.", "label"
        )
    if groups_of(institution).filter(category__iexact=category, label__iexact=label).exists():
        raise ConflictError("group_exists", f"{category}: {label} is already listed.", "label")
    position = groups_of(institution).filter(category__iexact=category).count()
    return EquityGroup.objects.create(
        institution=institution, category=category, label=label, position=position
    )


@transaction.atomic
def group_add_suggested(*, actor: User, institution_id: int) -> list[EquityGroup]:
    """Add the suggested list (skipping what is already there)."""
    institution = access_staff(actor=actor, institution_id=institution_id, manage=True)
    added = []
    for category, label in rules.SUGGESTED_GROUPS:
        if not groups_of(institution).filter(category=category, label=label).exists():
            added.append(
                EquityGroup.objects.create(
                    institution=institution,
                    category=category,
                    label=label,
                    position=groups_of(institution).filter(category=category).count(),
                )
            )
    return added


@transaction.atomic
def group_archive(*, actor: User, group_id: int) -> EquityGroup:
    """Take a group off the list; students' past declarations of it stop counting."""
    group = EquityGroup.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        raise NotFound("No such group.")
    access_staff(actor=actor, institution_id=group.institution_id, manage=True)
    if group.archived_at is None:
        group.archived_at = timezone.now()
        group.save(update_fields=["archived_at"])
    return group


# --- Endorsements ------------------------------------------------------------------------


@transaction.atomic
def endorsement_set(
    *, actor: User, institution_id: int, opportunity_id: int, note: str = "", promoted: bool = False
) -> Endorsement:
    """Endorse (or change the note / promotion of) an opportunity the institution's
    students can see. Any staff member may endorse."""
    institution = access_staff(actor=actor, institution_id=institution_id)
    note = note.strip()
    if len(note) > 1000:
        raise DomainError("note_too_long", "A note is at most 1000 characters.", "note")
    opportunity = (
        Opportunity.objects.filter(endorsable_q(institution), pk=opportunity_id)
        .filter(status=OpportunityStatus.PUBLISHED)
        .first()
    )
    if opportunity is None:
        raise DomainError(
            "not_endorsable",
            "Choose a published opportunity your students can see.",
            "opportunity_id",
        )
    endorsement = (
        Endorsement.objects.select_for_update()
        .filter(institution=institution, opportunity=opportunity)
        .first()
    )
    if endorsement is None:
        return Endorsement.objects.create(
            institution=institution,
            opportunity=opportunity,
            note=note,
            promoted=promoted,
            created_by=actor,
        )
    endorsement.note = note
    endorsement.promoted = promoted
    endorsement.updated_at = timezone.now()
    endorsement.save(update_fields=["note", "promoted", "updated_at"])
    return endorsement


@transaction.atomic
def endorsement_remove(*, actor: User, endorsement_id: int) -> None:
    endorsement = Endorsement.objects.select_for_update().filter(pk=endorsement_id).first()
    if endorsement is None:
        raise NotFound("No such endorsement.")
    access_staff(actor=actor, institution_id=endorsement.institution_id)
    endorsement.delete()


# --- Roster import -----------------------------------------------------------------------


class RosterInvalid(DomainError):
    """The roster has errors; nothing was saved. `row_errors` lists every one."""

    def __init__(self, row_errors: list[roster.RowError]) -> None:
        first = row_errors[0]
        more = len(row_errors) - 1
        also = f" {more} more problem{'s' if more > 1 else ''} listed." if more else ""
        super().__init__("roster_invalid", f"{first}{also} Nothing was saved.", roster_field(first))
        self.row_errors = row_errors


def roster_field(error: roster.RowError) -> str:
    """How a row's cell is named in API errors: rows.<row>.<column>."""
    return f"rows.{error.row}.{error.column}"


@dataclass(frozen=True)
class RosterImported:
    created: int
    updated: int
    unchanged: int
    cohort_added: int  # program rosters: linked students added to the cohort
    not_linked: int  # students with no account linked to the institution yet
    cohort_note: str


@transaction.atomic
def roster_import(
    *, actor: User, institution_id: int, program_id: int | None, csv_text: str
) -> RosterImported:
    """Save a roster CSV: all rows or none. Students already on the roster are
    updated (matched by email). For a program in set-up, students linked to the
    institution join its cohort; the others are counted so staff can tell them
    to sign up with their university address."""
    target = access_roster(actor=actor, institution_id=institution_id, program_id=program_id)
    # One import at a time per institution: two uploads of the same file must not race
    # to insert the same students (the unique constraints would refuse the second).
    Organisation.objects.select_for_update().filter(pk=target.institution.pk).first()
    try:
        preview = roster_preview(target, csv_text)
    except roster.RosterFileError as exc:
        raise DomainError("roster_unreadable", str(exc), "csv") from exc
    if not preview.ok:
        raise RosterInvalid(preview.parsed.errors)
    now = timezone.now()
    existing = {
        e.email: e
        for e in roster_of(target)
        .select_for_update()
        .filter(email__in=[r.row.email for r in preview.rows])
    }
    new, changed = [], []
    for item in preview.rows:
        r = item.row
        entry = existing.get(r.email)
        if entry is None:
            new.append(
                RosterEntry(
                    institution=target.institution,
                    program=target.program,
                    email=r.email,
                    full_name=r.name,
                    programme=r.programme,
                    graduation_year=r.graduation_year,
                    imported_by=actor,
                    created_at=now,
                    updated_at=now,
                )
            )
        elif item.change == "update":
            entry.full_name, entry.programme = r.name, r.programme
            entry.graduation_year, entry.imported_by, entry.updated_at = (
                r.graduation_year,
                actor,
                now,
            )
            changed.append(entry)
    RosterEntry.objects.bulk_create(new, batch_size=1000)
    RosterEntry.objects.bulk_update(
        changed,
        ["full_name", "programme", "graduation_year", "imported_by", "updated_at"],
        batch_size=1000,
    )
    linked_emails = [i.row.email for i in preview.rows if i.linked]
    added, note = 0, ""
    if target.program is not None and linked_emails:
        added, note = _roster_to_cohort(actor, target.program, linked_emails)
    imported = RosterImported(
        created=len(new),
        updated=len(changed),
        unchanged=preview.count("unchanged"),
        cohort_added=added,
        not_linked=len(preview.rows) - len(linked_emails),
        cohort_note=note,
    )
    audit.record(
        actor=actor,
        action="roster.imported",
        target=("institution", target.institution.pk),
        after={
            "program": target.program.pk if target.program is not None else None,
            "created": imported.created,
            "updated": imported.updated,
            "cohort_added": imported.cohort_added,
        },
    )
    return imported


def _roster_to_cohort(actor: User, program: Any, emails: list[str]) -> tuple[int, str]:
    from stint.programs import rules as program_rules
    from stint.programs.services import cohort_add

    refusal = program_rules.setup_refusal(program.status)
    if refusal:
        return 0, f"The cohort was not changed: {refusal}"
    return len(cohort_add(actor=actor, program_id=program.pk, emails=emails)), ""
