"""Who may read what: staff of an institution, its affiliated students, and the
student's own side (consent, declared groups, the dashboard panel)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.institutions import rules
from stint.institutions.models import Consent, EquityGroup, GroupDeclaration
from stint.orgs import rules as org_rules
from stint.orgs.models import Affiliation, Membership, Organisation, OrgKind


def _institution(institution_id: int) -> Organisation:
    org = Organisation.objects.filter(pk=institution_id, kind=OrgKind.INSTITUTION).first()
    if org is None:
        raise NotFound("No such institution.")
    return org


def staff_membership(user: User, institution_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(
        user=user, organisation_id=institution_id, organisation__kind=OrgKind.INSTITUTION
    ).first()


def is_affiliated(user: User, institution_id: int) -> bool:
    return (
        user.is_authenticated
        and Affiliation.objects.filter(user=user, institution_id=institution_id).exists()
    )


def access_staff(*, actor: User, institution_id: int, manage: bool = False) -> Organisation:
    """An institution whose career-services staff the actor is. Everyone else,
    platform admins included (students consent to their institution, not to the
    platform), gets NotFound; `manage=True` also needs owner or admin."""
    if not actor.is_authenticated:
        raise NotFound("No such institution.")
    org = _institution(institution_id)
    membership = staff_membership(actor, org.pk)
    if membership is None:
        raise NotFound("No such institution.")
    if manage and not org_rules.can_manage(membership.role):
        raise Forbidden("Only the institution's owners and admins may change this.")
    return org


def access_student(*, actor: User, institution_id: int) -> Organisation:
    """An institution the actor is a verified student of."""
    if not actor.is_authenticated:
        raise NotFound("No such institution.")
    org = _institution(institution_id)
    if not is_affiliated(actor, org.pk):
        raise NotFound("No such institution.")
    return org


@dataclass(frozen=True)
class InstitutionAccess:
    institution: Organisation
    is_staff: bool
    is_student: bool


def access_institution(*, actor: User, institution_id: int) -> InstitutionAccess:
    """An institution the actor is staff or a verified student of."""
    if not actor.is_authenticated:
        raise NotFound("No such institution.")
    org = _institution(institution_id)
    staff = staff_membership(actor, org.pk) is not None
    student = is_affiliated(actor, org.pk)
    if not (staff or student):
        raise NotFound("No such institution.")
    return InstitutionAccess(institution=org, is_staff=staff, is_student=student)


def staff_institutions(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(kind=OrgKind.INSTITUTION, memberships__user=user).order_by(
            "name"
        )
    )


def student_institutions(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(kind=OrgKind.INSTITUTION, affiliations__user=user).order_by(
            "name"
        )
    )


# --- The student's side -------------------------------------------------------------------


def consent_of(student: User, institution: Organisation) -> Consent | None:
    return Consent.objects.filter(student=student, institution=institution).first()


def consent_scopes(consent: Consent | None) -> dict[str, bool]:
    return consent.scopes() if consent else dict.fromkeys(rules.SCOPES, False)


def groups_of(institution: Organisation) -> QuerySet[EquityGroup]:
    return EquityGroup.objects.filter(institution=institution, archived_at__isnull=True)


def declaration_of(student: User, institution: Organisation) -> GroupDeclaration | None:
    return (
        GroupDeclaration.objects.filter(student=student, institution=institution)
        .prefetch_related("groups")
        .first()
    )


@dataclass
class StudentPanelRow:
    institution: Organisation
    consent: Consent | None
    scopes: dict[str, bool]

    @property
    def asks(self) -> bool:
        """True while the student has not decided anything yet."""
        return self.consent is None


def dashboard_student(user: User) -> list[StudentPanelRow]:
    """For each institution the student is verified at: what they share (and a
    prompt to decide, while they have not)."""
    rows = []
    for inst in student_institutions(user):
        consent = consent_of(user, inst)
        rows.append(
            StudentPanelRow(institution=inst, consent=consent, scopes=consent_scopes(consent))
        )
    return rows
