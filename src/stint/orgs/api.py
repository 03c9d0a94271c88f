from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from stint.core.schemas import ERRORS
from stint.orgs import selectors, services
from stint.orgs.models import InstitutionDomain, Invitation, Membership, Organisation
from stint.orgs.schemas import (
    AffiliationOut,
    DomainIn,
    DomainOut,
    InvitationAcceptIn,
    InvitationIn,
    InvitationOut,
    MemberOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    RoleIn,
    VerifyIn,
)

router = Router()


def _org(org: Organisation, membership: Membership | None) -> OrganisationOut:
    return OrganisationOut(
        id=org.pk,
        kind=org.kind,
        name=org.name,
        slug=org.slug,
        website=org.website,
        description=org.description,
        is_verified=org.is_verified,
        my_role=membership.role if membership else None,
    )


def _member(m: Membership) -> MemberOut:
    return MemberOut(
        id=m.pk,
        user_id=m.user_id,
        email=m.user.email,
        full_name=m.user.full_name,
        role=m.role,
        created_at=m.created_at,
    )


def _invitation(i: Invitation) -> InvitationOut:
    return InvitationOut(
        id=i.pk,
        email=i.email,
        role=i.role,
        status=i.status,
        created_at=i.created_at,
        expires_at=i.expires_at,
    )


def _domain(d: InstitutionDomain) -> DomainOut:
    return DomainOut(id=d.pk, domain=d.domain, verified=d.verified_at is not None)


@router.get(
    "/orgs", response={200: list[OrganisationOut], **ERRORS}, summary="Organisations you belong to"
)
def org_list(request: HttpRequest) -> list[OrganisationOut]:
    """The organisations (employers and institutions) you are a member of, with your role in
    each."""
    memberships = {m.organisation_id: m for m in Membership.objects.filter(user=request.user)}
    return [_org(o, memberships.get(o.pk)) for o in selectors.organisations_for(request.user)]


@router.post(
    "/orgs",
    response={201: OrganisationOut, **ERRORS},
    summary="Create an organisation (you become owner)",
)
def org_create(request: HttpRequest, payload: OrganisationIn) -> Status[OrganisationOut]:
    """Create an employer or institution; you become its owner. It starts unverified until a
    platform admin verifies it. A name under 2 characters or an unknown `kind` is 422 naming
    the field."""
    org = services.organisation_create(actor=request.user, **payload.dict())
    return Status(201, _org(org, selectors.membership_of(request.user, org)))


@router.get("/orgs/{org_id}", response={200: OrganisationOut, **ERRORS}, summary="One organisation")
def org_get(request: HttpRequest, org_id: int) -> OrganisationOut:
    """One organisation you belong to (platform admins see any). Others are 404."""
    org, membership = selectors.access_organisation(actor=request.user, organisation_id=org_id)
    return _org(org, membership)


@router.patch(
    "/orgs/{org_id}", response={200: OrganisationOut, **ERRORS}, summary="Change an organisation"
)
def org_update(request: HttpRequest, org_id: int, payload: OrganisationPatch) -> OrganisationOut:
    """Change an organisation's name, website or description. Owners and admins only (403
    otherwise)."""
    org = services.organisation_update(actor=request.user, organisation_id=org_id, **payload.dict())
    return _org(org, selectors.membership_of(request.user, org))


@router.post(
    "/orgs/{org_id}/verification",
    response={200: OrganisationOut, **ERRORS},
    summary="Admin: verify",
)
def org_verify(request: HttpRequest, org_id: int, payload: VerifyIn) -> OrganisationOut:
    """Platform admins only: mark an organisation verified or not. Anyone else gets 403."""
    org = services.organisation_set_verified(
        actor=request.user, organisation_id=org_id, verified=payload.verified
    )
    return _org(org, selectors.membership_of(request.user, org))


@router.get("/orgs/{org_id}/members", response={200: list[MemberOut], **ERRORS}, summary="Members")
def member_list(request: HttpRequest, org_id: int) -> list[MemberOut]:
    """The members of an organisation you belong to, with their roles."""
    org, _ = selectors.access_organisation(actor=request.user, organisation_id=org_id)
    return [_member(m) for m in selectors.members_of(org)]


@router.patch(
    "/memberships/{membership_id}", response={200: MemberOut, **ERRORS}, summary="Change a role"
)
def member_role(request: HttpRequest, membership_id: int, payload: RoleIn) -> MemberOut:
    """Change a member's role. Owners and admins only, and only up to their own role (403);
    demoting the last owner is 409 `last_owner`."""
    m = services.membership_change_role(
        actor=request.user, membership_id=membership_id, role=payload.role
    )
    return _member(m)


@router.delete(
    "/memberships/{membership_id}",
    response={204: None, **ERRORS},
    summary="Remove a member or leave",
)
def member_remove(request: HttpRequest, membership_id: int) -> Status[None]:
    """Remove a member, or leave an organisation yourself. Owners and admins may remove members
    whose role is up to their own (403 otherwise); the last owner cannot leave (409)."""
    services.membership_remove(actor=request.user, membership_id=membership_id)
    return Status(204, None)


@router.get(
    "/orgs/{org_id}/invitations",
    response={200: list[InvitationOut], **ERRORS},
    summary="Invitations",
)
def invitation_list(request: HttpRequest, org_id: int) -> list[InvitationOut]:
    """Pending and past invitations of an organisation. Owners and admins only."""
    org, _ = selectors.access_organisation(actor=request.user, organisation_id=org_id, manage=True)
    return [_invitation(i) for i in selectors.invitations_of(org)]


@router.post(
    "/orgs/{org_id}/invitations", response={201: InvitationOut, **ERRORS}, summary="Invite by email"
)
def invitation_create(
    request: HttpRequest, org_id: int, payload: InvitationIn
) -> Status[InvitationOut]:
    """Invite someone by email to join with a role; they get an email with a link. Owners and
    admins only; inviting an existing member is 409 `already_member`; a bad email or role is
    422 naming the field."""
    created = services.invitation_create(
        actor=request.user, organisation_id=org_id, email=payload.email, role=payload.role
    )
    return Status(201, _invitation(created.invitation))


@router.delete(
    "/invitations/{int:invitation_id}", response={200: InvitationOut, **ERRORS}, summary="Revoke"
)
def invitation_revoke(request: HttpRequest, invitation_id: int) -> InvitationOut:
    """Revoke a pending invitation so its link stops working. Owners and admins of the
    organisation only; an invitation no longer pending is 409 `not_pending`."""
    return _invitation(services.invitation_revoke(actor=request.user, invitation_id=invitation_id))


@router.post(
    "/invitations/accept", response={200: MemberOut, **ERRORS}, summary="Accept an invitation"
)
def invitation_accept(request: HttpRequest, payload: InvitationAcceptIn) -> MemberOut:
    """Join an organisation with the token from an invitation email. A bad token is 404; an
    expired, revoked or used invitation is 409; an invitation for another email address is
    403."""
    return _member(services.invitation_accept(actor=request.user, token=payload.token))


@router.get(
    "/orgs/{org_id}/domains",
    response={200: list[DomainOut], **ERRORS},
    summary="Institution domains",
)
def domain_list(request: HttpRequest, org_id: int) -> list[DomainOut]:
    """An institution's student email domains and whether each is verified."""
    org, _ = selectors.access_organisation(actor=request.user, organisation_id=org_id)
    return [_domain(d) for d in org.domains.all()]


@router.post(
    "/orgs/{org_id}/domains",
    response={201: DomainOut, **ERRORS},
    summary="Add a student email domain",
)
def domain_add(request: HttpRequest, org_id: int, payload: DomainIn) -> Status[DomainOut]:
    """Add a student email domain to an institution (e.g. `example.edu`). Institution owners
    and admins only; it links students only once a platform admin verifies it. A domain
    already registered is 409 `domain_taken`."""
    return Status(
        201,
        _domain(
            services.domain_add(actor=request.user, organisation_id=org_id, domain=payload.domain)
        ),
    )


@router.post(
    "/domains/{domain_id}/verification",
    response={200: DomainOut, **ERRORS},
    summary="Admin: verify",
)
def domain_verify(request: HttpRequest, domain_id: int) -> DomainOut:
    """Platform admins only: verify an institution's student domain, linking students whose
    email uses it."""
    return _domain(services.domain_verify(actor=request.user, domain_id=domain_id))


@router.delete("/domains/{domain_id}", response={204: None, **ERRORS}, summary="Remove a domain")
def domain_remove(request: HttpRequest, domain_id: int) -> Status[None]:
    """Remove a student domain from an institution. Institution owners and admins only."""
    services.domain_remove(actor=request.user, domain_id=domain_id)
    return Status(204, None)


@router.get(
    "/me/affiliations", response={200: list[AffiliationOut], **ERRORS}, summary="Your institutions"
)
def my_affiliations(request: HttpRequest) -> list[AffiliationOut]:
    """The institutions you are linked to as a student, through a verified email domain or a
    roster."""
    return [
        AffiliationOut(
            institution_id=a.institution_id,
            institution=a.institution.name,
            email=a.email,
            verified_at=a.verified_at,
        )
        for a in selectors.affiliations_of(request.user)
    ]
