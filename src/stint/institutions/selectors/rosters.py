"""Roster import reads: the target (institution, optionally a program), its roster
and the preview of an upload, row by row, without saving anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.institutions import roster
from stint.institutions.selectors.access import access_staff
from stint.orgs.models import Affiliation, Organisation


@dataclass(frozen=True)
class RosterTarget:
    institution: Organisation
    program: Any  # programs.Program | None: the roster of one cohort program


def access_roster(*, actor: User, institution_id: int, program_id: int | None) -> RosterTarget:
    """An institution whose staff the actor is and, optionally, one of its programs.
    Anyone else (another institution's staff too) gets NotFound."""
    from stint.programs.models import Program

    institution = access_staff(actor=actor, institution_id=institution_id)
    program = None
    if program_id is not None:
        program = Program.objects.filter(pk=program_id, institution=institution).first()
        if program is None:
            raise NotFound("No such program.")
    return RosterTarget(institution=institution, program=program)


def roster_of(target: RosterTarget) -> QuerySet[Any]:
    from stint.institutions.models import RosterEntry

    return RosterEntry.objects.filter(institution=target.institution, program=target.program)


def roster_programs(institution: Organisation) -> list[Any]:
    from stint.programs.models import Program

    return list(Program.objects.filter(institution=institution).order_by("name"))


@dataclass(frozen=True)
class RosterPreviewRow:
    row: roster.RosterRow
    change: str  # new | update | unchanged | error
    has_account: bool
    linked: bool  # has an account linked to the institution (verified email domain)


@dataclass(frozen=True)
class RosterPreview:
    target: RosterTarget
    parsed: roster.ParsedRoster
    rows: list[RosterPreviewRow]

    @property
    def ok(self) -> bool:
        return self.parsed.ok

    def count(self, change: str) -> int:
        return sum(1 for r in self.rows if r.change == change)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")


def roster_preview(target: RosterTarget, text: str) -> RosterPreview:
    """What importing `text` would do, row by row, without saving anything.
    Raises roster.RosterFileError when the file as a whole cannot be read."""
    parsed = roster.parse_roster(text, this_year=timezone.now().year)
    emails = [r.email for r in parsed.rows if r.ok]
    existing = {e.email: e for e in roster_of(target).filter(email__in=emails)}
    accounts = {
        e.lower(): pk for e, pk in User.objects.filter(email__in=emails).values_list("email", "pk")
    }
    linked = set(
        Affiliation.objects.filter(
            institution=target.institution, user_id__in=accounts.values()
        ).values_list("user_id", flat=True)
    )
    rows = []
    for r in parsed.rows:
        if not r.ok:
            change = "error"
        elif r.email not in existing:
            change = "new"
        else:
            e = existing[r.email]
            same = (e.full_name, e.programme, e.graduation_year) == (
                r.name,
                r.programme,
                r.graduation_year,
            )
            change = "unchanged" if same else "update"
        pk = accounts.get(r.email)
        rows.append(
            RosterPreviewRow(row=r, change=change, has_account=pk is not None, linked=pk in linked)
        )
    return RosterPreview(target=target, parsed=parsed, rows=rows)
