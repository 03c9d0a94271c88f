"""Writes for organisations: create/update, members, invitations, institution
domains and the affiliations they produce."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.tasks import enqueue_on_commit
from stint.core.text import single_line, web_url
from stint.orgs import rules
from stint.orgs.models import (
    Affiliation,
    InstitutionDomain,
    Invitation,
    Membership,
    Organisation,
    OrgKind,
    OrgRole,
)
from stint.orgs.selectors import access_organisation


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "organisation"
    slug = base
    n = 2
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _clean_name(name: str) -> str:
    name = single_line(name, "name")
    if len(name) < 2:
        raise DomainError(
            "name_required", "Give the organisation a name of at least 2 characters.", "name"
        )
    if len(name) > 120:
        raise DomainError("name_too_long", "Organisation names are at most 120 characters.", "name")
    return name


@transaction.atomic
def organisation_create(
    *, actor: User, kind: str, name: str, website: str = "", description: str = ""
) -> Organisation:
    if kind not in OrgKind.values:
        raise DomainError("bad_kind", "An organisation is an employer or an institution.", "kind")
    org = Organisation.objects.create(
        kind=kind,
        name=_clean_name(name),
        slug=_unique_slug(name),
        website=web_url(website, "website"),
        description=description.strip(),
    )
    owner = Membership.objects.create(organisation=org, user=actor, role=OrgRole.OWNER)
    audit.record(
        actor=actor,
        action="membership.created",
        target=("membership", owner.pk),
        after=_membership_facts(owner),
    )
    actor.__dict__.pop("_roles_cache", None)
    return org


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation_id: int,
    name: str | None = None,
    website: str | None = None,
    description: str | None = None,
) -> Organisation:
    org, _ = access_organisation(
        actor=actor, organisation_id=organisation_id, manage=True, for_update=True
    )
    if name is not None:
        org.name = _clean_name(name)
    if website is not None:
        org.website = web_url(website, "website")
    if description is not None:
        if len(description) > 4000:
            raise DomainError(
                "description_too_long", "Descriptions are at most 4000 characters.", "description"
            )
        org.description = description.strip()
    org.save()
    return org


@transaction.atomic
def organisation_set_verified(*, actor: User, organisation_id: int, verified: bool) -> Organisation:
    if not actor.is_staff:
        raise Forbidden("Only platform admins verify employers.")
    org = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if org is None:
        raise NotFound("No such organisation.")
    was = org.verified_at is not None
    org.verified_at = timezone.now() if verified else None
    org.save(update_fields=["verified_at"])
    if was != verified:
        audit.record(
            actor=actor,
            action="organisation.verified" if verified else "organisation.unverified",
            target=("organisation", org.pk),
            before={"verified": was},
            after={"verified": verified},
        )
    return org


# --- Invitations -----------------------------------------------------------------


@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    token: str  # goes in the emailed link only


_SALT = "stint.orgs.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=_SALT, compress=True)


@transaction.atomic
def invitation_create(
    *, actor: User, organisation_id: int, email: str, role: str = "member"
) -> CreatedInvitation:
    org, membership = access_organisation(actor=actor, organisation_id=organisation_id, manage=True)
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise DomainError("bad_email", "Enter a valid email address.", "email")
    if role not in OrgRole.values:
        raise DomainError("bad_role", "The role is owner, admin or member.", "role")
    if not rules.can_grant(membership.role if membership else None, role):
        raise DomainError(
            "role_too_high", "You can only invite people to a role up to your own.", "role"
        )
    if Membership.objects.filter(organisation=org, user__email__iexact=email).exists():
        raise ConflictError("already_member", f"{email} is already a member.", "email")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=org,
                email=email,
                role=role,
                nonce=secrets.token_hex(16),
                invited_by=actor,
                expires_at=timezone.now() + timedelta(days=settings.STINT_INVITATION_DAYS),
            )
    except IntegrityError as exc:
        raise ConflictError(
            "already_invited", f"{email} already has an open invitation.", "email"
        ) from exc
    audit.record(
        actor=actor,
        action="invitation.created",
        target=("invitation", invitation.pk),
        after={"organisation": org.pk, "role": role},
    )
    from stint.orgs.tasks import send_invitation_email

    enqueue_on_commit(send_invitation_email, invitation.pk)
    return CreatedInvitation(invitation=invitation, token=invitation_token(invitation))


def invitation_by_token(token: str) -> Invitation:
    try:
        pk, nonce = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise NotFound("This invitation link is not valid.") from exc
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=pk, nonce=nonce)
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Membership:
    invitation = invitation_by_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status
    if status != "pending":
        raise ConflictError("invitation_" + status, f"This invitation is {status}.")
    if actor.email.lower() != invitation.email.lower():
        raise Forbidden(
            f"This invitation was sent to {invitation.email}; sign in with that address to accept it."
        )
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=actor, defaults={"role": invitation.role}
    )
    if created:
        audit.record(
            actor=actor,
            action="membership.created",
            target=("membership", membership.pk),
            after=_membership_facts(membership),
        )
    elif rules.ROLE_RANK[invitation.role] > rules.ROLE_RANK[membership.role]:
        before = membership.role
        membership.role = invitation.role
        membership.save(update_fields=["role"])
        audit.record(
            actor=actor,
            action="membership.role_changed",
            target=("membership", membership.pk),
            before={"role": before},
            after=_membership_facts(membership),
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    actor.__dict__.pop("_roles_cache", None)
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("No such invitation.")
    access_organisation(actor=actor, organisation_id=invitation.organisation_id, manage=True)
    if invitation.status != "pending":
        raise ConflictError("not_pending", f"This invitation is already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="invitation.revoked",
        target=("invitation", invitation.pk),
        after={"organisation": invitation.organisation_id, "role": invitation.role},
    )
    return invitation


# --- Members ----------------------------------------------------------------------


def _membership_facts(membership: Membership) -> dict[str, object]:
    return {
        "organisation": membership.organisation_id,
        "user": membership.user_id,
        "role": membership.role,
    }


def _owner_count(org: Organisation) -> int:
    return Membership.objects.filter(organisation=org, role=OrgRole.OWNER).count()


@transaction.atomic
def membership_change_role(*, actor: User, membership_id: int, role: str) -> Membership:
    target = (
        Membership.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=membership_id)
        .first()
    )
    if target is None:
        raise NotFound("No such member.")
    org, mine = access_organisation(
        actor=actor, organisation_id=target.organisation_id, manage=True, for_update=True
    )
    if role not in OrgRole.values:
        raise DomainError("bad_role", "The role is owner, admin or member.", "role")
    actor_role = mine.role if mine else None
    if not rules.can_grant(actor_role, role) or not rules.can_grant(actor_role, target.role):
        raise Forbidden("You can only change roles up to your own.")
    if target.role == OrgRole.OWNER and role != OrgRole.OWNER and _owner_count(org) <= 1:
        raise ConflictError("last_owner", "An organisation needs at least one owner.", "role")
    before = target.role
    target.role = role
    target.save(update_fields=["role"])
    if before != role:
        audit.record(
            actor=actor,
            action="membership.role_changed",
            target=("membership", target.pk),
            before={"role": before},
            after=_membership_facts(target),
        )
    return target


@transaction.atomic
def membership_remove(*, actor: User, membership_id: int) -> None:
    target = Membership.objects.select_for_update().filter(pk=membership_id).first()
    if target is None:
        raise NotFound("No such member.")
    leaving_self = target.user_id == actor.pk
    org, mine = access_organisation(
        actor=actor,
        organisation_id=target.organisation_id,
        manage=not leaving_self,
        for_update=True,
    )
    if not leaving_self and not rules.can_grant(mine.role if mine else None, target.role):
        raise Forbidden("You can only remove members whose role is up to your own.")
    if target.role == OrgRole.OWNER and _owner_count(org) <= 1:
        raise ConflictError(
            "last_owner", "An organisation needs at least one owner; make someone else owner first."
        )
    audit.record(
        actor=actor,
        action="membership.removed",
        target=("membership", target.pk),
        before=_membership_facts(target),
    )
    target.delete()


# --- Institution domains and affiliations -------------------------------------------


@transaction.atomic
def domain_add(*, actor: User, organisation_id: int, domain: str) -> InstitutionDomain:
    org, _ = access_organisation(actor=actor, organisation_id=organisation_id, manage=True)
    if org.kind != OrgKind.INSTITUTION:
        raise DomainError(
            "not_institution", "Only institutions have student email domains.", "domain"
        )
    clean = rules.normalise_domain(domain)
    if clean is None:
        raise DomainError("bad_domain", "Enter a domain such as uni.example.edu.", "domain")
    try:
        with transaction.atomic():
            added = InstitutionDomain.objects.create(organisation=org, domain=clean)
    except IntegrityError as exc:
        raise ConflictError("domain_taken", f"{clean} is already registered.", "domain") from exc
    audit.record(
        actor=actor,
        action="institution_domain.added",
        target=("institution_domain", added.pk),
        after={"organisation": org.pk, "domain": clean},
    )
    return added


@transaction.atomic
def domain_verify(*, actor: User, domain_id: int) -> InstitutionDomain:
    """A platform admin confirms the institution controls the domain; verified
    addresses already on the platform in that domain are linked at once."""
    if not actor.is_staff:
        raise Forbidden("Only platform admins verify institution domains.")
    domain = InstitutionDomain.objects.select_for_update().filter(pk=domain_id).first()
    if domain is None:
        raise NotFound("No such domain.")
    if domain.verified_at is None:
        domain.verified_at = timezone.now()
        domain.save(update_fields=["verified_at"])
        audit.record(
            actor=actor,
            action="institution_domain.verified",
            target=("institution_domain", domain.pk),
            after={"organisation": domain.organisation_id, "domain": domain.domain},
        )
    candidates = EmailAddress.objects.filter(
        verified=True, email__iendswith=domain.domain
    ).select_related("user")
    for address in candidates:
        if rules.domain_covers(domain.domain, address.email):
            _link(address.user, domain.organisation, address.email)
    return domain


@transaction.atomic
def domain_remove(*, actor: User, domain_id: int) -> None:
    domain = InstitutionDomain.objects.filter(pk=domain_id).first()
    if domain is None:
        raise NotFound("No such domain.")
    access_organisation(actor=actor, organisation_id=domain.organisation_id, manage=True)
    audit.record(
        actor=actor,
        action="institution_domain.removed",
        target=("institution_domain", domain.pk),
        before={"organisation": domain.organisation_id, "domain": domain.domain},
    )
    domain.delete()


def _link(user: User, institution: Organisation, email: str) -> Affiliation:
    affiliation, _ = Affiliation.objects.get_or_create(
        user=user, institution=institution, defaults={"email": email.lower()}
    )
    return affiliation


@transaction.atomic
def affiliation_link_from_email(*, user: User, email: str) -> list[Affiliation]:
    """Called when a user verifies an address: link them to every institution
    whose verified domain covers it."""
    linked = []
    for domain in InstitutionDomain.objects.filter(verified_at__isnull=False).select_related(
        "organisation"
    ):
        if rules.domain_covers(domain.domain, email):
            linked.append(_link(user, domain.organisation, email))
    return linked


@transaction.atomic
def affiliation_link_by_sign_on(*, user: User, institution_id: int, email: str) -> Affiliation:
    """Called when someone signs in through the institution's own identity provider
    (stint.sso), which vouches for them as the institution's person."""
    institution = Organisation.objects.filter(pk=institution_id, kind=OrgKind.INSTITUTION).first()
    if institution is None:
        raise NotFound("No such institution.")
    return _link(user, institution, email or user.email)


@transaction.atomic
def membership_grant_by_sign_on(*, user: User, institution_id: int) -> Membership | None:
    """Called by stint.sso when the institution's IdP says this person is staff (its
    attribute mapping, already checked against the institution's verified domains).
    Makes them a member (never more); returns the membership only when this call made it."""
    institution = Organisation.objects.filter(pk=institution_id, kind=OrgKind.INSTITUTION).first()
    if institution is None:
        raise NotFound("No such institution.")
    membership, created = Membership.objects.get_or_create(
        organisation=institution, user=user, defaults={"role": OrgRole.MEMBER}
    )
    if not created:
        return None
    audit.record(
        actor=None,
        action="membership.created",
        target=("membership", membership.pk),
        after=_membership_facts(membership) | {"by": "sign_on"},
    )
    return membership


@transaction.atomic
def membership_revoke_by_sign_on(*, user: User, institution_id: int) -> bool:
    """Called by stint.sso when the IdP no longer says staff of someone whose
    membership it made: remove it, unless someone has since made them an admin or owner."""
    membership = (
        Membership.objects.select_for_update()
        .filter(organisation_id=institution_id, user=user, role=OrgRole.MEMBER)
        .first()
    )
    if membership is None:
        return False
    audit.record(
        actor=None,
        action="membership.removed",
        target=("membership", membership.pk),
        before=_membership_facts(membership) | {"by": "sign_on"},
    )
    membership.delete()
    return True
