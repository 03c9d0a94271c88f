"""A member of one organisation can neither read nor change another's,
through a page or through the API; members who are not managers can read
but not change their own."""

from __future__ import annotations

import pytest

from stint.accounts.models import User
from stint.orgs.models import InstitutionDomain, Invitation, Membership, Organisation
from stint.orgs.services import domain_add, invitation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_member(acme: Organisation) -> User:
    from tests.personas import make_user

    user = make_user("plain@acme.example")
    Membership.objects.create(organisation=acme, user=user, role="member")
    return user


def _api_reads(org: Organisation) -> list[str]:
    return [
        f"/api/v1/orgs/{org.pk}",
        f"/api/v1/orgs/{org.pk}/members",
        f"/api/v1/orgs/{org.pk}/domains",
    ]


def _page_reads(org: Organisation) -> list[str]:
    return [f"/orgs/{org.pk}/", f"/orgs/{org.pk}/edit/"]


def test_outsiders_and_other_orgs_get_404_on_every_read(
    acme: Organisation, carol: User, globex, eve: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    for user in (carol, eve):
        api = api_for(user)
        for url in [*_api_reads(acme), f"/api/v1/orgs/{acme.pk}/invitations"]:
            assert api.get(url).status_code == 404, url
        page = client_for(user)
        for url in _page_reads(acme):
            assert page.get(url).status_code == 404, url
    listing = api_for(carol).get("/api/v1/orgs").json()
    assert [o["name"] for o in listing] == ["Globex"]


def test_other_orgs_cannot_change_anything(
    acme: Organisation, bob: User, carol: User, globex, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    owner_membership = Membership.objects.get(organisation=acme, user=bob)
    invitation = invitation_create(
        actor=bob, organisation_id=acme.pk, email="x@acme.example"
    ).invitation
    api = api_for(carol)
    attempts = [
        api.patch(f"/api/v1/orgs/{acme.pk}", {"name": "Hacked"}, content_type="application/json"),
        api.post(
            f"/api/v1/orgs/{acme.pk}/invitations",
            {"email": "c@globex.example"},
            content_type="application/json",
        ),
        api.patch(
            f"/api/v1/memberships/{owner_membership.pk}",
            {"role": "member"},
            content_type="application/json",
        ),
        api.delete(f"/api/v1/memberships/{owner_membership.pk}"),
        api.delete(f"/api/v1/invitations/{invitation.pk}"),
        api.post(
            f"/api/v1/orgs/{acme.pk}/verification",
            {"verified": True},
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in attempts] == [404, 404, 404, 404, 404, 403]
    page = client_for(carol)
    assert page.post(f"/orgs/{acme.pk}/edit/", {"name": "Hacked"}).status_code == 404
    assert (
        page.post(
            f"/orgs/{acme.pk}/invite/", {"email": "c@globex.example", "role": "owner"}
        ).status_code
        == 404
    )
    acme.refresh_from_db()
    assert acme.name == "Acme" and not acme.is_verified
    owner_membership.refresh_from_db()
    assert owner_membership.role == "owner"
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"
    assert Invitation.objects.filter(organisation=acme).count() == 1


def test_plain_members_read_but_cannot_manage(
    acme: Organisation, acme_member: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(acme_member)
    for url in _api_reads(acme):
        assert api.get(url).status_code == 200, url
    assert api.get(f"/api/v1/orgs/{acme.pk}/invitations").status_code == 403
    r = api.patch(f"/api/v1/orgs/{acme.pk}", {"name": "Mine now"}, content_type="application/json")
    assert r.status_code == 403
    assert r.json()["detail"].startswith("Only the organisation's owners")
    page = client_for(acme_member)
    assert page.get(f"/orgs/{acme.pk}/").status_code == 200
    assert page.get(f"/orgs/{acme.pk}/edit/").status_code == 403
    acme.refresh_from_db()
    assert acme.name == "Acme"


def test_owner_manages_through_page_and_api(
    acme: Organisation, bob: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(bob)
    r = api.patch(
        f"/api/v1/orgs/{acme.pk}",
        {"description": "We build things."},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["my_role"] == "owner"
    page = client_for(bob)
    r = page.post(
        f"/orgs/{acme.pk}/edit/",
        {"name": "Acme Corp", "website": "https://acme.example", "description": ""},
    )
    assert r.status_code == 302
    acme.refresh_from_db()
    assert acme.name == "Acme Corp"
    r = api.post(
        f"/api/v1/orgs/{acme.pk}/invitations",
        {"email": "new@acme.example", "role": "member"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"


def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(
    acme: Organisation, bob: User, dana: User, uni, api_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(bob)
    r = api.post("/api/v1/orgs", {"kind": "charity", "name": "X"}, content_type="application/json")
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"kind", "name"}
    r = api.post(
        f"/api/v1/orgs/{acme.pk}/invitations",
        {"email": "not-an-email"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "email"
    r = api_for(dana).post(
        f"/api/v1/orgs/{uni.pk}/domains", {"domain": "nope nope"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "domain"
    assert Organisation.objects.count() == 2
    assert not Invitation.objects.exists()
    assert not InstitutionDomain.objects.exists()


def test_html_form_shows_errors_next_to_fields(bob: User, client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for(bob).post("/orgs/new/", {"kind": "employer", "name": ""})
    assert r.status_code == 200
    assert b"This field is required" in r.content
    assert not Organisation.objects.exists()


def test_staff_of_one_institution_cannot_touch_anothers_domains(
    dana: User, uni: Organisation, carol: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    from stint.orgs.services import organisation_create

    other = organisation_create(actor=carol, kind="institution", name="Other U")
    domain = domain_add(actor=dana, organisation_id=uni.pk, domain="uni.example.edu")
    assert api_for(carol).delete(f"/api/v1/domains/{domain.pk}").status_code == 404
    assert (
        api_for(carol)
        .post(
            f"/api/v1/orgs/{uni.pk}/domains", {"domain": "x.edu"}, content_type="application/json"
        )
        .status_code
        == 404
    )
    assert (
        api_for(dana)
        .post(
            f"/api/v1/orgs/{other.pk}/domains", {"domain": "y.edu"}, content_type="application/json"
        )
        .status_code
        == 404
    )
    assert list(InstitutionDomain.objects.values_list("domain", flat=True)) == ["uni.example.edu"]


def test_anonymous_api_calls_are_401(acme: Organisation, client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/v1/orgs/{acme.pk}")
    assert r.status_code == 401
    assert set(r.json()) == {"detail", "errors", "code"}  # every API error has a code


def test_anonymous_pages_redirect_to_login(acme: Organisation, client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/orgs/{acme.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
