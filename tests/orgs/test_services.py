from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.orgs import services
from stint.orgs.models import Affiliation, Invitation, Membership, Organisation
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_creator_becomes_owner_and_gets_the_employer_role(bob: User) -> None:
    org = services.organisation_create(actor=bob, kind="employer", name="  Acme Ltd ")
    assert org.name == "Acme Ltd" and org.slug == "acme-ltd"
    assert Membership.objects.get(organisation=org, user=bob).role == "owner"
    assert User.objects.get(pk=bob.pk).roles == {"employer"}
    again = services.organisation_create(actor=bob, kind="employer", name="Acme Ltd")
    assert again.slug == "acme-ltd-2"


def test_bad_kind_or_name_changes_nothing(bob: User) -> None:
    with pytest.raises(DomainError) as err:
        services.organisation_create(actor=bob, kind="charity", name="X Co")
    assert err.value.field == "kind"
    with pytest.raises(DomainError):
        services.organisation_create(actor=bob, kind="employer", name=" ")
    assert Organisation.objects.count() == 0
    assert Membership.objects.count() == 0


def test_invitation_email_link_accept_flow(
    bob: User, acme: Organisation, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = services.invitation_create(
            actor=bob, organisation_id=acme.pk, email="New@Acme.example", role="admin"
        )
    assert created.invitation.email == "new@acme.example"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@acme.example"]
    assert "Acme" in message.subject and message.alternatives  # text and HTML
    link = re.search(r"(/orgs/invitations/accept/[^\s]+/)", message.body).group(1)  # type: ignore[union-attr]
    newcomer = make_user("new@acme.example")
    client = Client()
    client.force_login(newcomer)
    assert b"Accept and join" in client.get(link).content
    assert client.post(link).status_code == 302
    assert Membership.objects.get(organisation=acme, user=newcomer).role == "admin"
    created.invitation.refresh_from_db()
    assert created.invitation.status == "accepted"
    with pytest.raises(ConflictError):
        services.invitation_accept(actor=newcomer, token=created.token)


def test_invitation_is_bound_to_its_address(bob: User, acme: Organisation, eve: User) -> None:
    created = services.invitation_create(
        actor=bob, organisation_id=acme.pk, email="someone@acme.example"
    )
    with pytest.raises(Forbidden):
        services.invitation_accept(actor=eve, token=created.token)
    assert not Membership.objects.filter(user=eve).exists()


def test_expired_revoked_and_forged_invitations_do_not_work(bob: User, acme: Organisation) -> None:
    person = make_user("p@acme.example")
    created = services.invitation_create(actor=bob, organisation_id=acme.pk, email="p@acme.example")
    Invitation.objects.filter(pk=created.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ConflictError, match="expired"):
        services.invitation_accept(actor=person, token=created.token)
    Invitation.objects.filter(pk=created.invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    services.invitation_revoke(actor=bob, invitation_id=created.invitation.pk)
    with pytest.raises(ConflictError, match="revoked"):
        services.invitation_accept(actor=person, token=created.token)
    with pytest.raises(NotFound):
        services.invitation_accept(actor=person, token=created.token[:-3] + "abc")


def test_only_one_open_invitation_per_address(bob: User, acme: Organisation) -> None:
    services.invitation_create(actor=bob, organisation_id=acme.pk, email="dup@acme.example")
    with pytest.raises(ConflictError) as err:
        services.invitation_create(actor=bob, organisation_id=acme.pk, email="DUP@acme.example")
    assert err.value.field == "email"
    assert Invitation.objects.filter(organisation=acme).count() == 1


def test_admins_cannot_invite_owners_and_members_cannot_invite(
    bob: User, acme: Organisation
) -> None:
    admin = make_user("admin@acme.example")
    member = make_user("member@acme.example")
    Membership.objects.create(organisation=acme, user=admin, role="admin")
    Membership.objects.create(organisation=acme, user=member, role="member")
    with pytest.raises(DomainError):
        services.invitation_create(
            actor=admin, organisation_id=acme.pk, email="x@y.example", role="owner"
        )
    services.invitation_create(
        actor=admin, organisation_id=acme.pk, email="x@y.example", role="admin"
    )
    with pytest.raises(Forbidden):
        services.invitation_create(actor=member, organisation_id=acme.pk, email="z@y.example")


def test_the_last_owner_cannot_leave_or_be_demoted(bob: User, acme: Organisation) -> None:
    mine = Membership.objects.get(organisation=acme, user=bob)
    with pytest.raises(ConflictError):
        services.membership_change_role(actor=bob, membership_id=mine.pk, role="member")
    with pytest.raises(ConflictError):
        services.membership_remove(actor=bob, membership_id=mine.pk)
    assert Membership.objects.get(pk=mine.pk).role == "owner"


def test_members_can_leave_but_not_remove_others(bob: User, acme: Organisation) -> None:
    m1 = make_user("m1@acme.example")
    m2 = make_user("m2@acme.example")
    a = Membership.objects.create(organisation=acme, user=m1, role="member")
    b = Membership.objects.create(organisation=acme, user=m2, role="member")
    with pytest.raises(Forbidden):
        services.membership_remove(actor=m1, membership_id=b.pk)
    services.membership_remove(actor=m1, membership_id=a.pk)
    assert not Membership.objects.filter(pk=a.pk).exists()
    assert Membership.objects.filter(pk=b.pk).exists()


def test_verified_domain_links_students_when_they_confirm_their_email(
    dana: User, uni: Organisation, root: User
) -> None:
    domain = services.domain_add(actor=dana, organisation_id=uni.pk, domain="Uni.Example.edu")
    # Not verified by a platform admin yet: no linking.
    early = make_user("early@uni.example.edu", candidate=True)
    services.affiliation_link_from_email(user=early, email="early@uni.example.edu")
    assert not Affiliation.objects.exists()
    with pytest.raises(Forbidden):
        services.domain_verify(actor=dana, domain_id=domain.pk)
    services.domain_verify(actor=root, domain_id=domain.pk)
    # Verification links students who had already verified an address there.
    assert Affiliation.objects.filter(user=early, institution=uni).exists()

    # A new student confirming through allauth is linked by the email_confirmed receiver.
    student = User.objects.create_user(email="kim@cs.uni.example.edu", password="x-long-password-1")
    address = EmailAddress.objects.create(
        user=student, email=student.email, verified=False, primary=True
    )
    from allauth.account.signals import email_confirmed

    address.verified = True
    address.save()
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert Affiliation.objects.filter(user=student, institution=uni).exists()
    # Look-alike domains are not linked.
    other = make_user("x@notuni.example.edu")
    services.affiliation_link_from_email(user=other, email=other.email)
    assert not Affiliation.objects.filter(user=other).exists()


def test_domains_are_for_institutions_and_unique(
    bob: User, acme: Organisation, dana: User, uni: Organisation
) -> None:
    with pytest.raises(DomainError, match="Only institutions"):
        services.domain_add(actor=bob, organisation_id=acme.pk, domain="acme.example")
    services.domain_add(actor=dana, organisation_id=uni.pk, domain="uni.example.edu")
    with pytest.raises(ConflictError):
        services.domain_add(actor=dana, organisation_id=uni.pk, domain="UNI.example.edu")
    with pytest.raises(DomainError, match="Enter a domain"):
        services.domain_add(actor=dana, organisation_id=uni.pk, domain="not a domain")


def test_only_platform_admins_verify_employers(bob: User, acme: Organisation, root: User) -> None:
    with pytest.raises(Forbidden):
        services.organisation_set_verified(actor=bob, organisation_id=acme.pk, verified=True)
    services.organisation_set_verified(actor=root, organisation_id=acme.pk, verified=True)
    acme.refresh_from_db()
    assert acme.is_verified
